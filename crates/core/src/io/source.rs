//! Recognising where a file came from and which column means what.
//!
//! Salesforce (Data Export API names and report labels) and HubSpot exports map without
//! questions; anything else gets a guess from header names and cell contents that the user
//! corrects and may save as a named mapping.

use super::table::{loose, Table};
use super::values;
use crate::domain::EntityKind;
use serde::{Deserialize, Serialize};

/// The tool a file was exported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum System {
    Salesforce,
    Hubspot,
    /// Anything else: a column mapping decides.
    Other,
}

impl System {
    pub fn prefix(self) -> &'static str {
        match self {
            System::Salesforce => "salesforce",
            System::Hubspot => "hubspot",
            System::Other => "import",
        }
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Target {
    Ignore,
    /// The record's id in the source system (kept so re-imports and relations resolve).
    SourceId,
    Name,
    FirstName,
    LastName,
    /// "Ana Nowak" in one column.
    FullName,
    Website,
    Industry,
    Owner,
    Lifecycle,
    Currency,
    /// Source id of the parent account.
    ParentRef,
    /// Source id of the record's account.
    AccountRef,
    /// The account's name (when the file has no account id).
    AccountName,
    Title,
    Email,
    Phone,
    Mobile,
    LinkedIn,
    /// Source id of the contact's manager.
    ReportsToRef,
    Birthday,
    Stage,
    Amount,
    CloseDate,
    Probability,
    /// Opportunity type (`New Customer`, `Existing Customer - Upgrade`).
    OppType,
    NextStep,
    LostReason,
    Competitor,
    Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ColumnMap {
    pub column: String,
    pub target: Target,
}

/// How one file becomes records. Recognised exports get one without questions; the wizard
/// shows it, lets the user change any column, and may save it under a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Mapping {
    pub system: System,
    /// Account, Contact or Opportunity.
    pub kind: EntityKind,
    pub columns: Vec<ColumnMap>,
    /// The saved mapping's name, if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Mapping {
    pub fn column_of(&self, table: &Table, target: Target) -> Option<usize> {
        self.columns.iter().find(|c| c.target == target).and_then(|c| table.column(&c.column))
    }

    /// What this mapping was recognised as (`Salesforce contacts`), for the preview.
    pub fn describe(&self) -> String {
        let sys = match self.system {
            System::Salesforce => "Salesforce",
            System::Hubspot => "HubSpot",
            System::Other => "Spreadsheet",
        };
        format!("{sys} {}s", self.kind.name())
    }

    /// The source id as stored in `source_ref`: system, kind and id (`salesforce:001..`).
    pub fn source_ref(&self, raw: &str) -> Option<String> {
        source_ref(self.system, self.kind, raw, self.name.as_deref())
    }

    pub fn ref_to(&self, target_kind: EntityKind, raw: &str) -> Option<String> {
        source_ref(self.system, target_kind, raw, self.name.as_deref())
    }
}

/// Salesforce ids are unique across objects (the prefix says which): `salesforce:<15 chars>`.
/// HubSpot record ids are per object: `hubspot:company:<id>`.
pub fn source_ref(system: System, kind: EntityKind, raw: &str, mapping: Option<&str>) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    Some(match system {
        System::Salesforce => format!("salesforce:{}", values::salesforce_id(raw)),
        System::Hubspot => {
            let obj = match kind {
                EntityKind::Account => "company",
                EntityKind::Opportunity => "deal",
                _ => "contact",
            };
            // "Associated Company IDs" may list several; the first is the primary.
            let first = raw.split([';', ',']).next().unwrap_or(raw).trim();
            format!("hubspot:{obj}:{first}")
        }
        System::Other => format!("import:{}:{}:{raw}", mapping.unwrap_or("sheet"), kind.name()),
    })
}

/// Headers that say which tool made the file.
fn system_of(headers: &[String]) -> System {
    let h: Vec<String> = headers.iter().map(|s| loose(s)).collect();
    let has = |x: &str| h.iter().any(|c| c == x);
    if has("recordid") || has("associatedcompany") || has("dealstage") || has("associatedcompanyids") {
        System::Hubspot
    } else if has("accountid") || has("stagename") || has("reportstoid") || has("ownerid") || has("opportunityid") || has("contactid")
        || (has("id") && (has("name") || has("lastname")) && (has("isdeleted") || has("createddate") || has("billingcity") || has("mobilephone") || has("closedate")))
        || has("opportunityname") || has("opportunityowner") || has("accountowner")
    {
        System::Salesforce
    } else {
        System::Other
    }
}

fn kind_of(headers: &[String]) -> EntityKind {
    let h: Vec<String> = headers.iter().map(|s| loose(s)).collect();
    let has = |x: &str| h.iter().any(|c| c == x);
    if has("stagename") || has("stage") || has("dealstage") || has("opportunityname") || has("dealname") || has("closedate") {
        EntityKind::Opportunity
    } else if has("lastname") || has("firstname") || has("email") || has("emailaddress") || has("reportstoid") || has("contactid") {
        EntityKind::Contact
    } else {
        EntityKind::Account
    }
}

/// What a header means, for a file of `kind` from `system`.
fn target_of(kind: EntityKind, header: &str) -> Target {
    use EntityKind as K;
    use Target as T;
    let h = loose(header);
    match (kind, h.as_str()) {
        (_, "id" | "recordid") => T::SourceId,
        (K::Account, "accountid" | "companyid") => T::SourceId,
        (K::Contact, "contactid") => T::SourceId,
        (K::Opportunity, "opportunityid" | "dealid") => T::SourceId,
        (K::Account, "name" | "accountname" | "companyname" | "company" | "organization" | "organisation") => T::Name,
        (K::Opportunity, "name" | "opportunityname" | "dealname" | "deal") => T::Name,
        (K::Account, "website" | "companydomainname" | "domain" | "url" | "web") => T::Website,
        (K::Account, "industry") => T::Industry,
        (K::Account, "type" | "lifecyclestage") => T::Lifecycle,
        (K::Account, "parentid" | "parentaccountid" | "parentcompanyid") => T::ParentRef,
        (K::Account, "ownerid" | "owner" | "accountowner" | "companyowner" | "ownername") => T::Owner,
        (K::Opportunity | K::Contact, "accountid" | "associatedcompanyids" | "associatedcompanyid" | "companyid") => T::AccountRef,
        (K::Opportunity | K::Contact, "accountname" | "associatedcompany" | "company" | "companyname" | "organization" | "organisation" | "account") => T::AccountName,
        (K::Contact, "firstname" | "givenname") => T::FirstName,
        (K::Contact, "lastname" | "surname" | "familyname") => T::LastName,
        (K::Contact, "name" | "fullname" | "contactname" | "contact") => T::FullName,
        (K::Contact, "title" | "jobtitle" | "position") => T::Title,
        (K::Contact, "email" | "emailaddress" | "email1" | "workemail") => T::Email,
        (K::Contact, "phone" | "phonenumber" | "businessphone" | "workphone" | "telephone") => T::Phone,
        (K::Contact, "mobilephone" | "mobile" | "mobilephonenumber" | "cell") => T::Mobile,
        (K::Contact, "reportstoid" | "reportsto" | "managerid") => T::ReportsToRef,
        (K::Contact, "linkedin" | "linkedinurl" | "linkedinprofile") => T::LinkedIn,
        (K::Contact, "birthdate" | "birthday" | "dateofbirth") => T::Birthday,
        (K::Opportunity, "stagename" | "stage" | "dealstage") => T::Stage,
        (K::Opportunity, "amount" | "value" | "dealvalue" | "dealamount") => T::Amount,
        (K::Opportunity, "closedate" | "expectedclosedate" | "closingdate") => T::CloseDate,
        (K::Opportunity, "probability" | "probability%" | "dealprobability") => T::Probability,
        (K::Opportunity, "type" | "dealtype" | "opportunitytype") => T::OppType,
        (K::Opportunity, "nextstep") => T::NextStep,
        (K::Opportunity, "lossreason" | "lostreason" | "closedlostreason") => T::LostReason,
        (K::Opportunity, "competitor" | "maincompetitors" | "maincompetitor") => T::Competitor,
        (K::Account | K::Opportunity, "currency" | "currencyisocode" | "dealcurrencycode") => T::Currency,
        (_, "tags" | "labels") => T::Tags,
        _ => T::Ignore,
    }
}

/// Guesses a column's meaning from its cells when the header says nothing known.
fn target_from_cells(kind: EntityKind, table: &Table, col: usize) -> Target {
    let sample: Vec<&str> = table.rows.iter().take(50).filter_map(|r| r.cells.get(col)).map(String::as_str).filter(|c| !c.is_empty()).collect();
    if sample.is_empty() {
        return Target::Ignore;
    }
    let all = |f: &dyn Fn(&str) -> bool| sample.iter().all(|c| f(c));
    if all(&|c| c.contains('@') && c.contains('.') && !c.contains(' ')) {
        return if kind == EntityKind::Contact { Target::Email } else { Target::Ignore };
    }
    if kind == EntityKind::Account && all(&|c| (c.starts_with("http") || c.starts_with("www.")) && !c.contains(' ')) {
        return Target::Website;
    }
    if kind == EntityKind::Opportunity && all(&|c| values::parse_date(c).is_some() && c.len() >= 6) {
        return Target::CloseDate;
    }
    Target::Ignore
}

/// Recognises a file and proposes its mapping.
pub fn recognise(table: &Table) -> Mapping {
    let system = system_of(&table.headers);
    let kind = kind_of(&table.headers);
    mapping_for(table, system, kind)
}

/// The mapping of `table` read as `kind` records from `system`.
pub fn mapping_for(table: &Table, system: System, kind: EntityKind) -> Mapping {
    let mut seen = std::collections::HashSet::new();
    let columns = table
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut target = target_of(kind, h);
            if target == Target::Ignore && system == System::Other {
                target = target_from_cells(kind, table, i);
            }
            // The first column for a target wins (a report may list Account Name twice).
            if target != Target::Ignore && !seen.insert(target) {
                target = Target::Ignore;
            }
            ColumnMap { column: h.clone(), target }
        })
        .collect();
    Mapping { system, kind, columns, name: None }
}
