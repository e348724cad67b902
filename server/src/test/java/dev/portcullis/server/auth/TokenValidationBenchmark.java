package dev.portcullis.server.auth;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Layer-1 cost per request: full RS256 access-token authentication (header parsing, JOSE checks,
 * issuer selection, cached-JWKS key lookup, signature, claims, {@code Caller}) against two baselines
 * measured in the same run: Nimbus parse + verify with a prebuilt verifier, and the bare JDK RSA
 * signature check. Keys come from a loopback JWKS server fetched once (cached JWKS).
 *
 * <p>Run with {@code server/src/test/bench/layer1-jmh.sh}; results in {@code docs/BENCHMARKS.md}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenValidationBenchmark {
    private TestIdp idp;
    private Authenticator authenticator;
    private Authenticator.Request request;
    private String token;
    private RSASSAVerifier nimbusVerifier;
    private RSAPublicKey publicKey;
    private byte[] signingInput;
    private byte[] signature;
    private Authenticator.Request[] fresh;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        idp = new TestIdp("bench");
        String resource = "https://gw.example.test/mcp";
        authenticator = new Authenticator(URI.create(resource), List.of(new IssuerVerifier(idp.issuer, Optional.empty(),
                AuthConfig.DEFAULT_ALGORITHMS, Duration.ofSeconds(60), "groups",
                new RemoteJwks(idp.issuer, Optional.empty(), Optional.empty(), new HttpJson(Duration.ofSeconds(5)),
                        Clock.systemUTC(), Duration.ofHours(1), Duration.ofSeconds(30)))),
                Optional.empty(), List.of("mcp:tools"), Optional.empty(), Clock.systemUTC());
        token = idp.sign(idp.claims(resource).expirationTime(java.util.Date.from(java.time.Instant.now()
                .plusSeconds(3600))).build(), h -> { });
        request = new Authenticator.Request(List.of("Bearer " + token), false, "/mcp", InetAddress.getLoopbackAddress());
        if (!(authenticator.authenticate(request) instanceof AuthOutcome.Authenticated)) {
            throw new IllegalStateException("benchmark token does not authenticate");
        }
        // more distinct tokens than the verified-signature cache keeps (10,000), so none is found there
        fresh = new Authenticator.Request[20_011];
        for (int i = 0; i < fresh.length; i++) {
            String t = idp.sign(idp.claims(resource).expirationTime(java.util.Date.from(java.time.Instant.now()
                    .plusSeconds(3600))).build(), h -> { });
            fresh[i] = new Authenticator.Request(List.of("Bearer " + t), false, "/mcp", InetAddress.getLoopbackAddress());
        }
        publicKey = idp.signingKey.toRSAPublicKey();
        nimbusVerifier = new RSASSAVerifier(publicKey);
        int dot = token.lastIndexOf('.');
        signingInput = token.substring(0, dot).getBytes(StandardCharsets.US_ASCII);
        signature = java.util.Base64.getUrlDecoder().decode(token.substring(dot + 1));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        idp.close();
    }

    /**
     * Everything layer 1 does for an RS256 JWT seen for the first time (cached JWKS): the tokens cycle
     * through more distinct tokens than the verified-signature cache holds, so every call parses and
     * verifies the signature.
     */
    @Benchmark
    public Object authenticateRs256FreshToken() {
        Authenticator.Request r = fresh[next];
        next = (next + 1) % fresh.length;
        return authenticator.authenticate(r);
    }

    /** The same for a client that reuses its token: the signature is verified once, claims every time. */
    @Benchmark
    public Object authenticateRs256ReusedToken() {
        return authenticator.authenticate(request);
    }

    /** Baseline: Nimbus parse + signature verification only (no JOSE policy, no claims checks). */
    @Benchmark
    public boolean baselineNimbusParseAndVerify() throws Exception {
        return SignedJWT.parse(token).verify(nimbusVerifier);
    }

    /** Baseline: the RSA-2048 SHA-256 signature check alone (JDK). */
    @Benchmark
    public boolean baselineJdkRsaVerify() throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(publicKey);
        s.update(signingInput);
        return s.verify(signature);
    }
}
