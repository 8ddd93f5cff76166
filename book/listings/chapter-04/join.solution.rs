/// The setup only minidock can do, from outside, while the child waits for the go-ahead.
pub fn set_up_from_outside(&mut self) -> Result<()> {
    // Now, while the child waits for the go-ahead: it has started nothing yet, so all the
    // command will ever start is born in the cgroup and counted; and the cgroup namespace
    // the child makes after the go-ahead is rooted at the cgroup it is in by then.
    self.cgroup.join(self.child()?)?;
    Ok(())
}
