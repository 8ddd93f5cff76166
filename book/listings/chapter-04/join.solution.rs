/// Moves the container's first process into its cgroup, before it runs any of the command:
/// everything it starts from then on is born inside, and counted.
fn join(cgroup: &dyn Cgroup, child: Pid) -> cgroups::Result<()> {
    cgroup.add(child)
}
