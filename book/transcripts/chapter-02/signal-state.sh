grep -E 'SigBlk|SigIgn' /proc/self/status      # your shell's grep
