// swift-tools-version: 6.2
// Builds Apple's swift-openapi-generator command once, apart from Beckon's own package, so that
// `scripts/generate-api` can regenerate `Sources/BeckonAPI/Generated` (the server's types and
// handler protocol) and `Sources/BeckonClientAPI/Generated` (the brand SDK's types and client) from
// `docs/openapi.yaml`. Beckon's build never compiles the generator: the generated code is committed,
// because the generator and its dependencies would add minutes to every clean build and CI run.
import PackageDescription

let package = Package(
    name: "openapi-generator-tool",
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator.git", exact: "1.14.3")
    ],
    targets: []
)
