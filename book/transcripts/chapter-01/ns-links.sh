ls -l /proc/$$/ns       # uts -> 'uts:[4026531838]': the number names the namespace
sudo lsns -t uts        # every UTS namespace, with one process in it
