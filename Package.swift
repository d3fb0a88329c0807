// swift-tools-version: 6.2
import PackageDescription

/// Settings shared by every target: Swift 6 strict concurrency plus the upcoming features the
/// Hummingbird project itself enables, so `any` and imports stay explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "beckon",
    platforms: [.macOS(.v15)],
    // What other packages may use: the server, the brands' SDK and the reference call page. The
    // server's libraries (Core, Storage, Server, Testing) are `package` inside this package.
    products: [
        .executable(name: "beckon", targets: ["beckon"]),
        .library(name: "BeckonClient", targets: ["BeckonClient"]),
        .executable(name: "beckon-callpage", targets: ["beckon-callpage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(
            url: "https://github.com/apple/swift-configuration.git", from: "1.4.0",
            traits: [.defaults, "CommandLineArguments"]),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-openapi-urlsession.git", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        // zlib from the system (Debian's zlib1g-dev), for gzip answers such as the website tag.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "BeckonCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "BeckonStorage",
            dependencies: [
                "BeckonCore",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        // Types and the handler protocol generated from docs/openapi.yaml (scripts/generate-api);
        // the generated code is committed, so building Beckon never builds the generator.
        .target(
            name: "BeckonAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        // Outgoing HTTP to brands' URLs (webhook deliveries) with the egress rules: only public
        // addresses unless allowed, checked on the address connected to; https unless allowed.
        .target(
            name: "BeckonEgress",
            dependencies: [
                "BeckonCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "BeckonServer",
            dependencies: [
                "BeckonCore",
                "BeckonStorage",
                "BeckonEgress",
                "BeckonAPI",
                "CZlib",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        // `beckon demo`: Beckon, the reference call page and a sample site in one process.
        .target(
            name: "BeckonDemo",
            dependencies: [
                "BeckonServer", "BeckonStorage", "BeckonCallPage", "BeckonClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "beckon",
            dependencies: [
                "BeckonServer", "BeckonDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
        // The brand APIs' types and client, generated from docs/openapi.yaml (scripts/generate-api)
        // and committed like BeckonAPI; only BeckonClient uses them.
        .target(
            name: "BeckonClientAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        // The brand's SDK: its friendly API over the generated client, on URLSession (see
        // Sources/BeckonClient/README.md for why); nothing of the server's.
        .target(
            name: "BeckonClient",
            dependencies: [
                "BeckonClientAPI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIURLSession", package: "swift-openapi-urlsession"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings),
        // The reference brand call page (SPEC §15): a library the demo embeds, and its own server.
        .target(
            name: "BeckonCallPage",
            dependencies: ["BeckonClient", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Examples/CallPage/Sources/BeckonCallPage",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "beckon-callpage",
            dependencies: ["BeckonCallPage", "BeckonClient", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Examples/CallPage/Sources/beckon-callpage",
            swiftSettings: swiftSettings),
        .target(
            name: "BeckonTesting",
            dependencies: ["BeckonCore", "BeckonStorage"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "BeckonCoreTests",
            dependencies: ["BeckonCore", "BeckonTesting"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "BeckonStorageTests",
            dependencies: ["BeckonCore", "BeckonStorage", "BeckonTesting"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "BeckonServerTests",
            dependencies: [
                "BeckonServer", "BeckonEgress", "BeckonTesting", "CZlib",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings),
        // The brand side (the SDK and the reference call page) against a running Beckon.
        .testTarget(
            name: "BeckonClientTests",
            dependencies: [
                "BeckonClient", "BeckonCallPage", "BeckonServer", "BeckonTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
        // Benchmarks (Benchmarks/README.md; run through scripts/bench*, not by tests). Small
        // executables inside this package so they reach its `package` API.
        .executableTarget(
            name: "journal-bench",
            dependencies: ["BeckonCore", "BeckonStorage", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/Sources/journal-bench"),
        .executableTarget(
            name: "echo-baseline",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Benchmarks/Sources/echo-baseline"),
        .executableTarget(
            name: "report-bench",
            dependencies: ["BeckonCore", "BeckonStorage", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/Sources/report-bench"),
        // glibc's heap statistics for the memory benchmarks (<malloc.h> is not in Swift's Glibc).
        .target(name: "CHeap", path: "Benchmarks/Sources/CHeap"),
        .executableTarget(
            name: "server-memory",
            dependencies: [
                "CHeap", "BeckonCore", "BeckonServer", "BeckonStorage", "BeckonTesting", .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/Sources/server-memory"),
        .executableTarget(
            name: "visit-bench",
            dependencies: ["BeckonCore", "BeckonTesting"],
            path: "Benchmarks/Sources/visit-bench"),
        .testTarget(
            name: "BeckonCommandTests",
            dependencies: ["beckon", "BeckonCore", "BeckonStorage", "BeckonTesting"],
            swiftSettings: swiftSettings),
    ]
)
