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
    // TODO(chapter 7): Format a syslog message
    //   (the book: chapter 7, "Format a syslog message")
    // The message for `line`: its priority, from the header's facility and the stream's
    // severity (`INFO` for standard output, `ERR` for standard error), then the header's
    // fields in `format`'s order (times from `stamp` and `timestamp`), then the line without
    // its newline, and a newline. See "syslog". Until then, the line alone.
    let _ = (format, header, stream, time);
    line.to_vec()
}
