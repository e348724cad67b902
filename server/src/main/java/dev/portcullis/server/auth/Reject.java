package dev.portcullis.server.auth;

/** Internal control flow of verification: a failure with a loggable detail (never the token). Stackless. */
final class Reject extends Exception {
    private final AuthFailure failure;

    Reject(AuthFailure failure, String detail) {
        super(detail, null, false, false);
        this.failure = failure;
    }

    AuthFailure failure() {
        return failure;
    }
}
