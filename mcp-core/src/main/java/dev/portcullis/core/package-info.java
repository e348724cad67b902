/**
 * The decision pipeline shared by every Portcullis module: {@link dev.portcullis.core.Stage stages}
 * return {@link dev.portcullis.core.Verdict verdicts}, a {@link dev.portcullis.core.Pipeline} runs them
 * in a fixed order and fails closed, and every outcome becomes a {@link dev.portcullis.core.Decision}
 * that the audit ledger records.
 *
 * <p>Only the {@code server} module maps a {@link dev.portcullis.core.Verdict.Deny} to an HTTP status or
 * a JSON-RPC error; everything here is transport-neutral.
 */
package dev.portcullis.core;
