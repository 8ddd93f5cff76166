/// A time of `--since` or `--until`, in nanoseconds since 1970, as docker reads it: a duration
/// back from `now` (in whole seconds, as docker counts it), an RFC 3339 time or a date (UTC
/// unless it has a zone), or seconds since 1970 with an optional fraction.
fn timestamp(value: &str, now: i128) -> Result<i128, Error> {
    let bad = || Error::Time(value.to_string());
    // `0` is 1970, not a duration of nothing.
    if value != "0" {
        if let Some(duration) = duration(value) {
            let seconds = (now - duration).div_euclid(1_000_000_000);
            return Ok(seconds * 1_000_000_000);
        }
    }
    if value.contains('-') {
        return rfc3339(value).ok_or_else(bad);
    }
    let (seconds, fraction) = value.split_once('.').unwrap_or((value, ""));
    let seconds: i128 = seconds.parse().map_err(|_| bad())?;
    // A fraction of a second: `.5` is 500 ms, its digits the first of nine.
    let nanos = match fraction {
        "" => 0,
        digits if digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{digits:0<9}").parse::<i128>().map_err(|_| bad())?
        }
        _ => return Err(bad()),
    };
    Ok(seconds * 1_000_000_000 + nanos)
}
