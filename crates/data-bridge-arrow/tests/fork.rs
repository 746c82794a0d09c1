//! A child forked after the parent decoded in parallel can decode too (its own test binary:
//! forking beside other running tests would copy their half-done state).
// Test code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bson::doc;
use data_bridge_arrow::{decode_documents, infer_schema, DecodeOptions, InferOptions};

#[test]
fn decoding_works_in_a_forked_child() {
    let docs: Vec<_> = (0..50_000)
        .map(|i| doc! { "i": i, "s": format!("{i}") })
        .collect();
    let raws = common::raw(&docs);
    let refs: Vec<_> = raws.iter().map(|d| d.as_ref()).collect();
    let schema = infer_schema(&refs, &InferOptions::default())
        .unwrap()
        .schema;
    let opts = DecodeOptions {
        chunk_rows: 1000,
        ..DecodeOptions::default()
    };
    assert_eq!(
        decode_documents(&refs, &schema, &opts).unwrap().num_rows(),
        50_000
    );
    // SAFETY: the child only decodes and calls _exit; alarm() kills it if that hangs.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        unsafe { libc::alarm(60) };
        let rows = decode_documents(&refs, &schema, &opts)
            .map(|d| d.num_rows())
            .unwrap_or(0);
        unsafe { libc::_exit(if rows == 50_000 { 0 } else { 1 }) };
    }
    let mut status = 0;
    // SAFETY: waits for the child just forked.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFEXITED(status),
        "child did not exit (status {status}): it hung or crashed"
    );
    assert_eq!(
        libc::WEXITSTATUS(status),
        0,
        "child decoded the wrong number of rows"
    );
}
