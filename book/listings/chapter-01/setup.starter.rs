/// Prepares the container from the inside, between the go-ahead and the command.
fn setup(args: &ChildArgs) -> sys::Result<()> {
    let config = args.config;
    // TODO(chapter 1): Set up the child
    //   (the book: chapter 1, "Set up the child")
    // Set the container up from the inside, in an order that works: its working directory
    // (from `-w`, made if it is missing), its root directory and its host name (these two
    // with the functions of your next exercises).
    let _ = (&config.hostname, &config.root.path, &config.process.cwd);
    Ok(())
}
