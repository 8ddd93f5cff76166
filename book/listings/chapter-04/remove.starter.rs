fn drop(&mut self) {
    // TODO(chapter 4): Remove the cgroup
    //   (the book: chapter 4, "Remove the cgroup")
    // Remove the container's cgroup with its `remove` method. Until then, every run
    // leaves an empty cgroup behind.
}
