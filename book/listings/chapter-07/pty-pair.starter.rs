/// A new pseudo-terminal pair of the devpts instance `/dev/ptmx` leads to: master and slave.
fn open_pair() -> sys::Result<(OwnedFd, OwnedFd)> {
    // TODO(chapter 7): Allocate the pair
    //   (the book: chapter 7, "Allocate the pair")
    // Make a new pseudo-terminal pair in the container's devpts instance and open both
    // sides, the slave through the master: see "Allocate the pair". Until then there is no
    // terminal, and `run -t` fails.
    Err(sys::Error::Refused {
        call: "open(\"/dev/ptmx\")".into(),
        reason: "no terminal is allocated yet: see chapter 7, \"Allocate the pair\"",
    })
}
