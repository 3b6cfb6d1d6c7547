//go:build unix

package sitefs

import "syscall"

// openFlags makes opening a FIFO return at once.
const openFlags = syscall.O_NONBLOCK
