//! A simulated sync server and network for the simulation: the server keeps ops by (space,
//! device, seq) exactly as rapport-server does (insert-if-absent, gap-free per device, version
//! vector cursors, spaces per user), and the network between it and each device partitions,
//! drops requests or answers and duplicates requests, all decided by the test's random plan.
//! Nothing sleeps: every round trip completes at once.

use rapport_core::sync::protocol::{
    Op, PullResponse, SnapshotPage, SpaceInfo, SpaceKind, SpaceRequest, SyncRequest, SyncResponse, VersionVector,
};
use rapport_core::sync::{Transport, TransportError};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use uuid::Uuid;

#[derive(Default)]
pub struct Server {
    /// Every stored op, keyed as the real server keys them.
    pub ops: BTreeMap<(Uuid, Uuid, u64), Op>,
    /// How many times each op was offered (pushes retried after lost answers offer it again).
    pub offered: HashMap<(Uuid, u64), u32>,
    pub device_max: HashMap<Uuid, u64>,
    pub device_user: HashMap<Uuid, u32>,
    pub spaces: BTreeMap<Uuid, (u32, SpaceKind)>,
    /// Ops a device pulled that it may not read (must stay empty).
    pub leaks: Vec<(Uuid, Uuid)>,
    /// Decides how pulls interleave devices (per device, seq order is kept, as on the server).
    pub shuffle: u64,
}

impl Server {
    fn may_use(&self, user: u32, space: Uuid) -> bool {
        self.spaces.get(&space).is_some_and(|(owner, _)| *owner == user)
    }

    fn push(&mut self, device: Uuid, ops: &[Op]) -> Result<u64, TransportError> {
        let user = self.device_user[&device];
        let max = self.device_max.get(&device).copied().unwrap_or(0);
        let mut next = max + 1;
        for op in ops {
            if op.device != device {
                return Err(TransportError::Server("op of another device".into()));
            }
            if !self.may_use(user, op.space) {
                return Err(TransportError::Forbidden(format!("space {}", op.space)));
            }
            if op.seq > next {
                return Err(TransportError::Gap { expected_seq: next });
            }
            if op.seq == next {
                next += 1;
            }
        }
        for op in ops {
            *self.offered.entry((device, op.seq)).or_default() += 1;
            self.ops.entry((op.space, device, op.seq)).or_insert_with(|| op.clone());
        }
        self.device_max.insert(device, next - 1);
        Ok(next - 1)
    }

    fn pull(&mut self, device: Uuid, space: Uuid, cursor: &VersionVector, limit: usize) -> Result<PullResponse, TransportError> {
        let user = self.device_user[&device];
        if !self.may_use(user, space) {
            return Err(TransportError::Forbidden(format!("space {space}")));
        }
        // Per device chains after the cursor, interleaved pseudo-randomly.
        let mut chains: Vec<Vec<&Op>> = Vec::new();
        let mut by_dev: BTreeMap<Uuid, Vec<&Op>> = BTreeMap::new();
        for ((s, d, seq), op) in self.ops.range((space, Uuid::nil(), 0)..=(space, Uuid::max(), u64::MAX)) {
            if *s == space && *seq > cursor.get(d) {
                by_dev.entry(*d).or_default().push(op);
            }
        }
        chains.extend(by_dev.into_values());
        let mut out: Vec<Op> = Vec::new();
        let mut idx = vec![0usize; chains.len()];
        while out.len() < limit {
            let live: Vec<usize> = (0..chains.len()).filter(|&c| idx[c] < chains[c].len()).collect();
            if live.is_empty() {
                break;
            }
            self.shuffle = self.shuffle.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let c = live[(self.shuffle >> 33) as usize % live.len()];
            out.push(chains[c][idx[c]].clone());
            idx[c] += 1;
        }
        let has_more = (0..chains.len()).any(|c| idx[c] < chains[c].len());
        let mut next = cursor.clone();
        for op in &out {
            next.advance(op.device, op.seq);
            if !self.may_use(user, op.space) {
                self.leaks.push((device, op.space));
            }
        }
        Ok(PullResponse { space, ops: out, cursor: next, has_more, min_schema: 1 })
    }
}

/// What the network does to one round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// The request never reaches the server.
    DropRequest,
    /// The server handles it; the answer is lost.
    DropAnswer,
    /// The request arrives twice; the second answer is the one received.
    Duplicate,
}

pub struct Net {
    pub faults: Vec<Fault>,
    pub next: usize,
    pub partitioned: HashMap<Uuid, bool>,
}

impl Net {
    fn fault(&mut self, device: Uuid) -> Option<Fault> {
        if self.partitioned.get(&device).copied().unwrap_or(false) {
            return None;
        }
        let f = if self.faults.is_empty() { Fault::None } else { self.faults[self.next % self.faults.len()] };
        self.next += 1;
        Some(f)
    }
}

#[derive(Clone)]
pub struct SimTransport {
    pub device: Uuid,
    pub server: Arc<Mutex<Server>>,
    pub net: Arc<Mutex<Net>>,
}

fn offline() -> TransportError {
    TransportError::Offline("simulated network failure".into())
}

impl SimTransport {
    fn round_trip<T>(&self, f: impl Fn(&mut Server) -> Result<T, TransportError>) -> Result<T, TransportError> {
        let fault = self.net.lock().unwrap().fault(self.device).ok_or_else(offline)?;
        let mut server = self.server.lock().unwrap();
        match fault {
            Fault::None => f(&mut server),
            Fault::DropRequest => Err(offline()),
            Fault::DropAnswer => {
                let _ = f(&mut server);
                Err(offline())
            }
            Fault::Duplicate => {
                let _ = f(&mut server);
                f(&mut server)
            }
        }
    }
}

impl Transport for SimTransport {
    async fn sync(&self, req: SyncRequest) -> Result<SyncResponse, TransportError> {
        self.round_trip(|s| {
            let accepted_seq = s.push(req.device, &req.push)?;
            let pulls = req
                .pull
                .iter()
                .map(|p| s.pull(req.device, p.space, &p.cursor, p.limit.unwrap_or(1000)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(SyncResponse { accepted_seq, pulls })
        })
    }

    async fn snapshot(&self, space: Uuid, _after: Option<String>, _limit: usize) -> Result<SnapshotPage, TransportError> {
        // An empty snapshot: the device then pulls the space from its first op.
        self.round_trip(|_| Ok(SnapshotPage { space, rows: Vec::new(), cursor: VersionVector::default(), next: None }))
    }

    async fn spaces(&self) -> Result<Vec<SpaceInfo>, TransportError> {
        self.round_trip(|s| {
            let user = s.device_user[&self.device];
            Ok(s.spaces
                .iter()
                .filter(|(_, (owner, _))| *owner == user)
                .map(|(id, (owner, kind))| SpaceInfo { id: *id, name: String::new(), kind: *kind, owner: Uuid::from_u128(*owner as u128) })
                .collect())
        })
    }

    async fn create_space(&self, req: SpaceRequest) -> Result<(), TransportError> {
        self.round_trip(|s| {
            let user = s.device_user[&self.device];
            match s.spaces.get(&req.id) {
                Some((owner, _)) if *owner != user => Err(TransportError::Forbidden("someone else's space".into())),
                _ => {
                    s.spaces.insert(req.id, (user, req.kind));
                    Ok(())
                }
            }
        })
    }
}
