/// The setup only minidock can do, from outside, while the child waits for the go-ahead.
pub fn set_up_from_outside(&mut self) -> Result<()> {
    // TODO(chapter 4): Put the container in its cgroup
    //   (the book: chapter 4, "Put the container in its cgroup")
    // Put the container's first process in its cgroup, at the one moment when nothing of
    // the command can escape the limits: see "Put the container in its cgroup". Until then
    // the cgroup exists, with its limits, and nothing runs in it.
    Ok(())
}
