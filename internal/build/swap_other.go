//go:build !linux

package build

import "errors"

// exchange is not available here: Commit falls back to two renames.
func exchange(a, b string) error { return errors.ErrUnsupported }

// processAlive cannot be known portably: staging dirs are never presumed
// abandoned.
func processAlive(int) bool { return true }
