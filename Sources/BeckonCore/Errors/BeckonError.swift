/// Every failure the domain can report. `BeckonServer` maps each case to an HTTP status and
/// LivePerson's `{time, message, internalCode}` envelope in one place; the command line prints
/// `description`. Messages never carry personal data or a driver's text.
package enum BeckonError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Input that breaks a rule; `field` names what the caller sent, `reason` says what is wrong.
    case invalidInput(field: String, reason: String)
    /// The thing does not exist for this account (or is not visible to the caller).
    case notFound(String)
    /// No account has this id (LivePerson's "invalid account").
    case unknownAccount(String)
    /// The visitor id is unknown or malformed (LivePerson's "invalid visitor").
    case unknownVisitor(String)
    /// The visit id is unknown, malformed or the visit has ended (LivePerson's "invalid session").
    case unknownVisit(String)
    /// The thing exists already (a duplicate id, a taken email).
    case conflict(String)
    /// No credentials, or credentials that do not identify a live key.
    case unauthorized(String)
    /// Valid credentials without the scope or the account the request needs.
    case forbidden(String)
    /// The database schema is older than this build expects.
    case schemaBehind(current: Int, required: Int)
    /// The database schema is newer than this build knows (a newer Beckon migrated it).
    case schemaAhead(current: Int, known: Int)
    /// Storage could not be reached or failed; details go to the log, not to the caller.
    case storageUnavailable(String)
    /// The journal is shutting down and accepts no more events.
    case journalClosed

    package var description: String {
        switch self {
        case .invalidInput(let field, let reason): "invalid \(field): \(reason)"
        case .notFound(let what): "\(what) not found"
        case .unknownAccount(let id): "account '\(id)' not found"
        case .unknownVisitor(let why): "invalid visitor: \(why)"
        case .unknownVisit(let why): "invalid session: \(why)"
        case .conflict(let what): what
        case .unauthorized(let why): why
        case .forbidden(let why): why
        case .schemaBehind(let current, let required):
            "the database schema is at version \(current) but this build needs \(required); run `beckon migrate`"
        case .schemaAhead(let current, let known):
            "the database schema is at version \(current), newer than this build knows (\(known)); upgrade Beckon"
        case .storageUnavailable(let why): "storage unavailable: \(why)"
        case .journalClosed: "the event journal is closed"
        }
    }
}
