import BeckonCore
import Hummingbird
import Logging
import Prometheus

/// Operations endpoints: liveness, readiness (storage answers and the journal commits),
/// Prometheus metrics.
struct HealthRoutes {
    let storage: Storage
    let journal: GroupCommitJournal
    let registry: PrometheusCollectorRegistry

    struct Status: Encodable, Sendable { var status: String }

    func register(on router: Router<AppRequestContext>) {
        router.get("/healthz") { _, _ in JSONBody(value: Status(status: "ok")) }
        router.get("/readyz") { _, context in
            do {
                try await storage.ping()
            } catch {
                context.logger.warning("readiness check failed: storage does not answer")
                throw BeckonError.storageUnavailable("ping failed")
            }
            guard journal.isCommitting() else {
                context.logger.warning("readiness check failed: journal commits fail or stall")
                throw BeckonError.storageUnavailable("journal commits fail")
            }
            guard storage.hearsOtherNodes() else {
                context.logger.warning("readiness check failed: not listening to the other nodes")
                throw BeckonError.storageUnavailable("not listening to the other nodes")
            }
            return JSONBody(value: Status(status: "ready"))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
