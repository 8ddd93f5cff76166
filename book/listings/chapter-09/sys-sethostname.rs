/// `sethostname(2)`: sets the host name of the calling process's UTS namespace.
pub fn sethostname(name: &str) -> Result<()> {
    call(
        format!("sethostname({name:?})"),
        &format!("hostname {}", shell_quote(name)),
        || nix::unistd::sethostname(name),
    )
}
