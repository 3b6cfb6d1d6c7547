//go:build !race

package build

// raceSlowdown scales CPU budgets: the race detector slows code down.
const raceSlowdown = 1
