import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/**
 * A throw-away OAuth issuer for load benchmarks (JDK only): a fresh RSA-2048 key, its public half as a
 * JWKS file, and one RS256 access token for the gateway, printed on stdout.
 *
 * <p>Usage: {@code java BenchIssuer.java ISSUER AUDIENCE JWKS_FILE}. The JWKS file is served by any
 * static HTTP server (the bench uses the JDK's {@code jwebserver} on 127.0.0.1); the gateway validates the
 * token against it on every request exactly as it would a real IdP's token.
 */
public final class BenchIssuer {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: BenchIssuer ISSUER AUDIENCE JWKS_FILE");
            System.exit(2);
        }
        String issuer = args[0];
        String audience = args[1];
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair pair = gen.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        String kid = "bench-1";
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"n\":\""
                + b64(unsigned(pub.getModulus())) + "\",\"e\":\"" + b64(unsigned(pub.getPublicExponent())) + "\"}]}";
        Files.writeString(Path.of(args[2]), jwks);

        long now = System.currentTimeMillis() / 1000;
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}";
        String claims = "{\"iss\":\"" + issuer + "\",\"aud\":\"" + audience + "\",\"sub\":\"bench-user\","
                + "\"client_id\":\"bench-agent\",\"scope\":\"mcp:tools\",\"name\":\"Bench User\","
                + "\"iat\":" + now + ",\"exp\":" + (now + 3600) + ",\"jti\":\"bench-" + now + "\"}";
        String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(pair.getPrivate());
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        System.out.println(signingInput + "." + b64(rsa.sign()));
    }

    private static String b64(byte[] bytes) {
        return B64.encodeToString(bytes);
    }

    /** Big-endian magnitude without the sign byte (JWK integers are unsigned). */
    private static byte[] unsigned(BigInteger n) {
        byte[] b = n.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            byte[] t = new byte[b.length - 1];
            System.arraycopy(b, 1, t, 0, t.length);
            return t;
        }
        return b;
    }
}
