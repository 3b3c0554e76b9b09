//! The server-sent pokes (`GET /v1/events`) follow the device's access: a revoked device's
//! stream ends, a member removed from a space hears no more of it, a member added hears it.

use crate::support::*;
use rapport_core::sync::protocol::{ErrorBody, MemberRequest, Poke, PushRequest, SpaceKind, SpaceRequest};
use rapport_server::SyncStore;
use std::time::Duration;
use uuid::Uuid;

on_both_backends!(
    an_open_event_stream_ends_when_its_device_is_revoked,
    an_open_event_stream_ends_when_its_device_signs_in_again,
    a_stream_ends_within_the_recheck_when_another_server_process_revokes_the_device,
    a_member_removed_from_a_team_space_hears_no_more_pokes_for_it,
    a_user_added_to_a_team_space_hears_its_pokes_on_an_open_stream,
);

/// An open `/v1/events` answer, read event by event.
struct Events {
    res: reqwest::Response,
    buf: String,
}

enum Next {
    Poke(Poke),
    Ended,
}

impl Events {
    async fn open<S: SyncStore>(server: &TestServer<S>, token: &str) -> Events {
        let res = server.get("/v1/events", Some(token)).await;
        assert_eq!(res.status(), 200);
        Events { res, buf: String::new() }
    }

    /// The next poke, or the end of the stream; panics after `wait` without either.
    async fn next(&mut self, wait: Duration) -> Next {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(at) = self.buf.find("event: poke\ndata: ") {
                let rest = &self.buf[at + "event: poke\ndata: ".len()..];
                if let Some(end) = rest.find('\n') {
                    let poke = serde_json::from_str(&rest[..end]).expect("a poke's data");
                    self.buf = rest[end..].to_string();
                    return Next::Poke(poke);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk()).await.expect("a poke or the end of the stream");
            match chunk {
                Ok(Some(bytes)) => self.buf.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(None) | Err(_) => return Next::Ended,
            }
        }
    }

    async fn poke(&mut self) -> Poke {
        match self.next(Duration::from_secs(20)).await {
            Next::Poke(p) => p,
            Next::Ended => panic!("the stream ended where a poke was expected"),
        }
    }

    async fn assert_ends(&mut self, wait: Duration) {
        if let Next::Poke(p) = self.next(wait).await {
            panic!("a poke for {} where the stream should have ended", p.space);
        }
    }
}

async fn push<S: SyncStore>(server: &TestServer<S>, token: &str, device: Uuid, space: Uuid, seq: u64) {
    let res = server.post("/v1/push", Some(token), &PushRequest { device, ops: ops(space, device, seq, seq) }).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
}

async fn team_space<S: SyncStore>(server: &TestServer<S>, owner: &Device) -> Uuid {
    let team = Uuid::now_v7();
    let res = server.post("/v1/spaces", Some(&owner.token), &SpaceRequest { id: team, name: "Team".into(), kind: SpaceKind::Team }).await;
    assert_eq!(res.status(), 200);
    team
}

async fn add_member<S: SyncStore>(server: &TestServer<S>, owner: &Device, team: Uuid, email: &str) {
    let res = server.post(&format!("/v1/spaces/{team}/members"), Some(&owner.token), &MemberRequest { email: email.into() }).await;
    assert_eq!(res.status(), 200);
}

async fn an_open_event_stream_ends_when_its_device_is_revoked<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let phone = server.login("ana@example.com", Uuid::now_v7()).await;
    let mut events = Events::open(&server, &a.token).await;
    push(&server, &phone.token, phone.device, a.space, 1).await;
    assert_eq!(events.poke().await, Poke { space: a.space });

    assert_eq!(server.delete(&format!("/v1/devices/{}", a.device), Some(&phone.token)).await.status(), 204);
    // Well before the periodic recheck: the revocation itself ends the stream.
    events.assert_ends(Duration::from_secs(10)).await;
    let again = server.get("/v1/events", Some(&a.token)).await;
    assert_eq!(again.status(), 401);
    assert_eq!(again.json::<ErrorBody>().await.unwrap().code, "device_revoked");
}

async fn an_open_event_stream_ends_when_its_device_signs_in_again<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let a = server.device("ana@example.com", Uuid::now_v7()).await;
    let mut old = Events::open(&server, &a.token).await;
    let again = server.login("ana@example.com", a.device).await;
    old.assert_ends(Duration::from_secs(10)).await;
    // The new token's stream works.
    let mut events = Events::open(&server, &again.token).await;
    let phone = server.login("ana@example.com", Uuid::now_v7()).await;
    push(&server, &phone.token, phone.device, a.space, 1).await;
    assert_eq!(events.poke().await, Poke { space: a.space });
}

async fn a_stream_ends_within_the_recheck_when_another_server_process_revokes_the_device<S: SyncStore>(s: S) {
    // Two servers on one database, as two processes behind a load balancer: the one holding the
    // stream hears nothing from the other and must find the revocation by itself.
    let holding = TestServer::start_with(s.clone(), Duration::from_millis(200)).await;
    let other = TestServer::start(s).await;
    let a = holding.device("ana@example.com", Uuid::now_v7()).await;
    let phone = other.login("ana@example.com", Uuid::now_v7()).await;
    let mut events = Events::open(&holding, &a.token).await;
    assert_eq!(other.delete(&format!("/v1/devices/{}", a.device), Some(&phone.token)).await.status(), 204);
    events.assert_ends(Duration::from_secs(10)).await;
}

async fn a_member_removed_from_a_team_space_hears_no_more_pokes_for_it<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let ana = server.device("ana@example.com", Uuid::now_v7()).await;
    let bob = server.device("bob@example.com", Uuid::now_v7()).await;
    let team = team_space(&server, &ana).await;
    add_member(&server, &ana, team, "bob@example.com").await;
    let mut events = Events::open(&server, &bob.token).await;
    push(&server, &ana.token, ana.device, team, 1).await;
    assert_eq!(events.poke().await, Poke { space: team });

    let res = server.delete(&format!("/v1/spaces/{team}/members/{}", bob.user), Some(&ana.token)).await;
    assert_eq!(res.status(), 204);
    push(&server, &ana.token, ana.device, team, 2).await;
    // Bob's own space still pokes, and the team's push before it did not.
    let laptop2 = server.login("bob@example.com", Uuid::now_v7()).await;
    push(&server, &laptop2.token, laptop2.device, bob.space, 1).await;
    assert_eq!(events.poke().await, Poke { space: bob.space });
}

async fn a_user_added_to_a_team_space_hears_its_pokes_on_an_open_stream<S: SyncStore>(s: S) {
    let server = TestServer::start(s).await;
    let ana = server.device("ana@example.com", Uuid::now_v7()).await;
    let bob = server.device("bob@example.com", Uuid::now_v7()).await;
    let team = team_space(&server, &ana).await;
    let mut events = Events::open(&server, &bob.token).await;
    push(&server, &ana.token, ana.device, team, 1).await;
    add_member(&server, &ana, team, "bob@example.com").await;
    push(&server, &ana.token, ana.device, team, 2).await;
    // The first push came before Bob joined: the first poke he hears is the second's.
    assert_eq!(events.poke().await, Poke { space: team });
    let laptop2 = server.login("bob@example.com", Uuid::now_v7()).await;
    push(&server, &laptop2.token, laptop2.device, bob.space, 1).await;
    assert_eq!(events.poke().await, Poke { space: bob.space });
}
