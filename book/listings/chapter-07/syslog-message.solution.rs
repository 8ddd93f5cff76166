/// The message that carries `line` (with its newline, or without for a last line that had
/// none), read from `stream` at `time` (RFC 3339, to the nanosecond), in `format`: its bytes, as
/// they go to the socket, ending with a newline.
pub fn message(
    format: Format,
    header: &Header,
    stream: Stream,
    time: &str,
    line: &[u8],
) -> Vec<u8> {
    let severity = match stream {
        Stream::Stdout => INFO,
        Stream::Stderr => ERR,
    };
    // The priority: the facility's number times 8, plus the severity (its 3 low bits).
    let pri = u32::from(header.facility) * 8 + severity;
    let Header {
        hostname, tag, pid, ..
    } = header;
    let head = match format {
        Format::Unix => format!("<{pri}>{} {tag}[{pid}]: ", stamp(time)),
        Format::Rfc3164 => format!("<{pri}>{} {hostname} {tag}[{pid}]: ", stamp(time)),
        // VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA, as docker fills
        // them: the tag is both the application's name and the message's id, and there is no
        // structured data (`-`).
        Format::Rfc5424 => format!(
            "<{pri}>1 {} {hostname} {tag} {pid} {tag} - ",
            timestamp(time, 0)
        ),
        Format::Rfc5424Micro => format!(
            "<{pri}>1 {} {hostname} {tag} {pid} {tag} - ",
            timestamp(time, 6)
        ),
    };
    let mut message = head.into_bytes();
    message.extend_from_slice(line.strip_suffix(b"\n").unwrap_or(line));
    message.push(b'\n');
    message
}
