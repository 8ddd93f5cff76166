fn drop(&mut self) {
    // TODO(chapter 4): Remove the cgroup
    //   (the book: chapter 4, "Remove the cgroup")
    // Remove the container's cgroup, and say so if it cannot be removed: see "Remove
    // the cgroup". Until then every run leaves an empty cgroup behind.
}
