// Package dist holds no code: its tests keep kb's distribution files at
// the repository root true to each other and to the code (action.yml,
// the workflows, .goreleaser.yaml, Dockerfile, .pre-commit-hooks.yaml):
// each parses, every input an action refers to is declared, and every
// version the linker sets exists in cmd/kb.
package dist
