# syntax=docker/dockerfile:1
#
# kb in a container: a static binary on distroless (CA certificates, time
# zones, a non-root user, no shell), run on a site mounted at /site.
#
#   docker build -t kb .
#   docker run --rm -v "$PWD:/site" --user "$(id -u):$(id -g)" kb build
#   docker run --rm -v "$PWD:/site" kb check
#
# The target "ci" adds a busybox shell, for runners that start a job's
# script inside the image (GitLab CI): docker build --target ci -t kb:ci .
# docs/install.md has the recipes.

ARG GO_VERSION=1.26.8
# The base images, as arguments so a machine without registry access can
# build with stand-ins (.ci/image does); the defaults are the real ones.
ARG GO_IMAGE=golang:${GO_VERSION}-bookworm
ARG BASE_IMAGE=gcr.io/distroless/static-debian12

# The builder runs on the build machine's platform and cross-compiles
# (pure Go, CGO_ENABLED=0): a multi-platform image needs no emulation.
FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG TARGETOS TARGETARCH
# A release passes its version, commit and commit date (see the release
# workflow); without them kb version says (devel).
ARG VERSION="" COMMIT="" DATE=""
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE}" \
      -o /out/kb ./cmd/kb

# With a shell: GitLab CI and other runners that exec a script in the image.
FROM ${BASE_IMAGE}:debug-nonroot AS ci
COPY --from=build /out/kb /usr/local/bin/kb
WORKDIR /site
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/kb"]
CMD ["build"]

# The default image: nothing but kb, running as uid 65532.
FROM ${BASE_IMAGE}:nonroot AS kb
COPY --from=build /out/kb /usr/local/bin/kb
WORKDIR /site
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/kb"]
CMD ["build"]
