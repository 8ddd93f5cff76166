/// Prepares the container from the inside, between the go-ahead and the command.
fn setup(args: &ChildArgs) -> sys::Result<()> {
    let config = args.config;
    // TODO(chapter 1): Set up the child
    //   (the book: chapter 1, "Set up the child")
    // Set the container up from the inside, in an order that works: its host name, its root
    // directory (the two functions of your next exercises), and its working directory, from
    // `-w`, made if it is missing and entered.
    let _ = (&config.hostname, &config.root.path, &config.process.cwd);
    // A Ctrl-C typed in the terminal must reach the container once, through minidock, and
    // not also directly. Until then the container shares minidock's session and process
    // group, and the terminal signals both.
    Ok(())
}
