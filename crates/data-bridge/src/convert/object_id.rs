//! ObjectIds generated for inserts, unique across `fork()`.
//!
//! `bson::oid::ObjectId::new` draws its 5 process-unique bytes once per process image: children
//! forked after the parent generated an id (every `multiprocessing` fork pool worker) inherit
//! them and its counter, and generate the very ids their siblings do. The bytes are mixed here
//! with the current process id, so each process has its own (pymongo re-draws them after fork
//! for the same reason).

use bson::oid::ObjectId;

/// A new ObjectId whose process-unique bytes depend on this process's id.
pub fn new_object_id() -> ObjectId {
    let mut bytes = ObjectId::new().bytes();
    let mask = splitmix64(u64::from(std::process::id())).to_le_bytes();
    for (byte, m) in bytes[4..9].iter_mut().zip(mask) {
        *byte ^= m;
    }
    ObjectId::from_bytes(bytes)
}

/// A bijective 64-bit mix (SplitMix64's finaliser): distinct pids give unrelated masks.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_masks_differ_by_pid() {
        let a = new_object_id();
        let b = new_object_id();
        assert_ne!(a, b);
        assert_ne!(
            splitmix64(1000) & 0xFF_FFFF_FFFF,
            splitmix64(1001) & 0xFF_FFFF_FFFF
        );
    }
}
