//go:build !race

package site

// raceSlowdown scales CPU budgets: the race detector slows code down.
const raceSlowdown = 1
