/// Which node holds a visitor's live state (SPEC §14). The load balancer sends a visitor to one
/// node; when another node starts serving it (failover, a node joining, the first page view
/// landing elsewhere), that node rebuilds the visitor from the journal and claims it, and every
/// other node drops its copy, so no node answers from a copy that missed what happened since.
///
/// In process both sides are plain broadcasts: a single node has nobody to tell. Several nodes on
/// PostgreSQL: the relay (`PostgresChangeRelay`) sends what is `made` here to the other nodes and
/// publishes on `heard` what they made.
package struct VisitorClaims: Sendable {
    /// Claims this node made (a visitor rebuilt from the journal).
    package let made = Broadcast<LiveVisitStore.Key>()
    /// Claims other nodes made: drop the copy.
    package let heard = Broadcast<LiveVisitStore.Key>()

    package init() {}
}
