//! Tests of the outcome.

use super::*;
use crate::test_pki::*;

/// The action of the first server, from the findings about it.
fn action(r: &CheckResult) -> Action {
    server_outcome(r, 0, &[], Vec::new()).action
}

#[test]
fn the_action_comes_from_the_remedy_not_from_the_rule_or_the_key() {
    let ca = root("Fabrikam Issuing CA");
    // Every name but the meet simple URL.
    let leaf = Leaf::se_without("meet.fabrikam.com");
    let mut r = standard_edition(&leaf, &ca, &ca);
    assert_eq!(
        rules(&r),
        [crate::rules::missing_required_name::ID.as_str()]
    );
    let names = Action::Reissue(vec![ReissueReason::MissingNames {
        names: vec!["meet.fabrikam.com".to_string()],
    }]);
    assert_eq!(action(&r), names);
    // Another rule id and no key: the same action, read from the remedy.
    r.findings[0].rule = crate::rules::expired::ID;
    r.findings[0].key.clear();
    assert_eq!(action(&r), names);
    // Another remedy: another action.
    r.findings[0].remedy = Remedy::Request;
    assert_eq!(action(&r), Action::Request);
    r.findings[0].remedy = Remedy::Reissue;
    assert!(matches!(
        action(&r),
        Action::Reissue(ref reasons) if matches!(reasons[..], [ReissueReason::Finding { .. }])
    ));
    // Not fixed by a certificate: no reissue (the error still makes the server not ready).
    r.findings[0].remedy = Remedy::None;
    assert_eq!(action(&r), Action::Ready);
}
