/// A time of `--since` or `--until`, in nanoseconds since 1970, as docker reads it: a duration
/// back from `now` (in whole seconds, as docker counts it), an RFC 3339 time or a date (UTC
/// unless it has a zone), or seconds since 1970 with an optional fraction.
#[allow(unused_variables)] // until your code uses it, in chapter 7
fn timestamp(value: &str, now: i128) -> Result<i128, Error> {
    // TODO(chapter 7): Read Docker's times
    //   (the book: chapter 7, "Read Docker's times")
    // Read `value` as docker reads a time of --since and --until, in nanoseconds since 1970:
    // a duration back from `now` (`duration`), an RFC 3339 time or a date (`rfc3339`), or
    // seconds since 1970 with an optional fraction: see "Read Docker's times". Until then
    // no time is understood.
    Err(Error::Time(value.to_string()))
}
