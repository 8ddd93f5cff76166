/// `-p SPEC`: the ports it publishes, one for each container port of its range.
#[allow(unused_variables)] // until your code uses it, in chapter 9
pub fn parse(spec: &str) -> Result<Vec<Publish>> {
    // docker's messages say what is wrong, and the run goes no further.
    let bad = |message: String| -> Result<Vec<Publish>> { Err(Error::Option(message)) };
    // TODO(chapter 9): Read a port mapping
    //   (the book: chapter 9, "Read a port mapping")
    // Read SPEC as docker does (see "Read a port mapping"): `[IP:][HOST_PORT:]PORT[/PROTO]`,
    // with ranges. Until then no port is published.
    Ok(Vec::new())
}
