import BeckonAPI
import BeckonCore

// Core's enums and the document's: one exhaustive switch each way, so a value added to either
// side without the other fails to compile rather than being dropped.

extension Components.Schemas.Scope {
    init(_ scope: Scope) {
        self =
            switch scope {
            case .engagementValidate: .engagementValidate
            case .visitRead: .visitRead
            case .eventsWrite: .eventsWrite
            case .reportsRead: .reportsRead
            case .campaignsWrite: .campaignsWrite
            case .admin: .admin
            }
    }
}

extension Scope {
    init(_ scope: Components.Schemas.Scope) {
        self =
            switch scope {
            case .engagementValidate: .engagementValidate
            case .visitRead: .visitRead
            case .eventsWrite: .eventsWrite
            case .reportsRead: .reportsRead
            case .campaignsWrite: .campaignsWrite
            case .admin: .admin
            }
    }
}

extension ConsoleRole {
    init(_ role: Components.Schemas.ConsoleRole) {
        self =
            switch role {
            case .admin: .admin
            case .campaignManager: .campaignManager
            case .analyst: .analyst
            }
    }
}

extension Components.Schemas.ConsoleRole {
    init(_ role: ConsoleRole) {
        self =
            switch role {
            case .admin: .admin
            case .campaignManager: .campaignManager
            case .analyst: .analyst
            }
    }
}
