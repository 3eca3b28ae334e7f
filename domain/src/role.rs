//! Roles of a member inside a workspace and what each may do.

use serde::{Deserialize, Serialize};

/// The role of a member in one workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Role {
    /// Owns the workspace: everything, including settings and other owners.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "owner"))]
    Owner,
    /// Manages members (except owners) and configuration.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "admin"))]
    Admin,
    /// Works the pipeline.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "member"))]
    Member,
    /// Reads money and the audit trail; exports.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "accounting"))]
    Accounting,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Member, Role::Accounting];

    /// Stable identifier used in storage and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Accounting => "accounting",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// French label shown in the interface.
    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Propriétaire",
            Role::Admin => "Administrateur",
            Role::Member => "Membre",
            Role::Accounting => "Comptabilité",
        }
    }

    /// May invite, re-role and remove members.
    pub fn can_manage_members(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// May read the audit trail.
    pub fn can_view_audit(self) -> bool {
        matches!(self, Role::Owner | Role::Admin | Role::Accounting)
    }

    /// May create and move deals and write notes.
    pub fn can_work_deals(self) -> bool {
        matches!(self, Role::Owner | Role::Admin | Role::Member)
    }

    /// May validate job steps, move and plan jobs (accounting reads them).
    pub fn can_work_jobs(self) -> bool {
        matches!(self, Role::Owner | Role::Admin | Role::Member)
    }

    /// May write, send and version quotes.
    pub fn can_write_quotes(self) -> bool {
        matches!(self, Role::Owner | Role::Admin | Role::Member)
    }

    /// May read quotes (accounting reads them too).
    pub fn can_read_quotes(self) -> bool {
        true
    }

    /// May read invoices, credit notes and payments.
    pub fn can_read_invoices(self) -> bool {
        true
    }

    /// May prepare invoice drafts (from their quotes or from scratch).
    pub fn can_write_invoices(self) -> bool {
        true
    }

    /// May issue invoices and credit notes, record payments, export the
    /// books and change the invoicing settings: acts with legal effect.
    pub fn can_issue_invoices(self) -> bool {
        matches!(self, Role::Owner | Role::Admin | Role::Accounting)
    }

    /// May change the legal identity, quote templates and the catalogue.
    pub fn can_configure_quotes(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// May add, rename, reorder and remove pipeline stages.
    pub fn can_configure_pipelines(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// May edit the steps and checklists new jobs start with.
    pub fn can_configure_jobs(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// May change workspace settings (security policy, name).
    pub fn can_manage_workspace(self) -> bool {
        matches!(self, Role::Owner)
    }

    /// May read the workspace's figures (pipeline value, wins, quotes): the
    /// dashboard's workspace section. Accounting reads money too.
    pub fn can_view_workspace_figures(self) -> bool {
        matches!(self, Role::Owner | Role::Admin | Role::Accounting)
    }

    /// May read every message the workspace sent, not only their own.
    pub fn can_view_workspace_outbox(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// Whether `self` may give `target` to someone, or act on a member holding `target`.
    /// Only owners touch owners.
    pub fn can_assign(self, target: Role) -> bool {
        match self {
            Role::Owner => true,
            Role::Admin => target != Role::Owner,
            Role::Member | Role::Accounting => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_identifier() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn every_role_has_a_dashboard() {
        // Each role sees its own deals, the workspace's figures, or both.
        for role in Role::ALL {
            assert!(role.can_work_deals() || role.can_view_workspace_figures(), "{role:?}");
        }
    }

    #[test]
    fn only_owners_act_on_owners() {
        assert!(Role::Owner.can_assign(Role::Owner));
        assert!(!Role::Admin.can_assign(Role::Owner));
        assert!(Role::Admin.can_assign(Role::Member));
        assert!(!Role::Member.can_assign(Role::Member));
        assert!(!Role::Accounting.can_assign(Role::Accounting));
    }
}
