// swift-tools-version: 6.2
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, which is wherever the repository was cloned.
let beckonPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

/// Benchmarks live in their own package so users of Beckon never resolve or build them.
/// Run them through `scripts/bench`, `scripts/bench-journal` and `Benchmarks/kill-test.sh`.
let package = Package(
    name: "beckon-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    ],
    targets: [
        .executableTarget(
            name: "journal-bench",
            dependencies: [
                .product(name: "BeckonCore", package: beckonPackage),
                .product(name: "BeckonStorage", package: beckonPackage),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "echo-baseline",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(
            name: "report-bench",
            dependencies: [
                .product(name: "BeckonCore", package: beckonPackage),
                .product(name: "BeckonStorage", package: beckonPackage),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // glibc's heap statistics for the memory benchmarks (<malloc.h> is not in Swift's Glibc).
        .target(name: "CHeap"),
        .executableTarget(
            name: "server-memory",
            dependencies: [
                "CHeap",
                .product(name: "BeckonCore", package: beckonPackage),
                .product(name: "BeckonServer", package: beckonPackage),
                .product(name: "BeckonStorage", package: beckonPackage),
                .product(name: "BeckonTesting", package: beckonPackage),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "visit-bench",
            dependencies: [
                .product(name: "BeckonCore", package: beckonPackage),
                .product(name: "BeckonTesting", package: beckonPackage),
            ]),
    ]
)
