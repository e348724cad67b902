package dev.portcullis.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.yaml.YamlConfigParser;

/**
 * Loads gateway configuration from a YAML document with environment-variable overrides.
 *
 * <p>Override rule: {@code PORTCULLIS_<KEY>} where the key path is upper-cased, {@code .} becomes
 * {@code _} and {@code -} becomes {@code __}. Example: {@code PORTCULLIS_SERVER_PORT=9090} sets
 * {@code server.port}; {@code PORTCULLIS_SERVER_MAX__BODY__SIZE=2MiB} sets {@code server.max-body-size}.
 * Variables whose first segment is not a top-level section of the configuration (for example the
 * launcher's own {@code PORTCULLIS_JAVA_OPTS}) are ignored. Overrides win over the file.
 */
public final class ConfigLoader {
    /** Environment variable prefix for overrides. */
    public static final String ENV_PREFIX = "PORTCULLIS_";

    private static final io.helidon.common.media.type.MediaType YAML =
            io.helidon.common.media.type.MediaTypes.create("application/x-yaml");

    private ConfigLoader() {
    }

    /**
     * Loads a YAML file.
     *
     * @param file the YAML file
     * @param env  the environment (usually {@code System.getenv()})
     * @return the configuration
     * @throws ConfigException when the file cannot be read or parsed
     */
    public static Config load(Path file, Map<String, String> env) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(java.util.List.of(file + ": no such file"));
        }
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        return fromYaml(file.toString(), yaml, env);
    }

    /**
     * Loads a YAML resource from the class path (the bundled demo configuration).
     *
     * @param resource resource name
     * @param env      the environment
     * @return the configuration
     */
    public static Config loadResource(String resource, Map<String, String> env) {
        try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigException(java.util.List.of("classpath:" + resource + ": no such resource"));
            }
            return fromYaml("classpath:" + resource, new String(in.readAllBytes(), StandardCharsets.UTF_8), env);
        } catch (IOException e) {
            throw new ConfigException("classpath:" + resource + ": cannot be read", e);
        }
    }

    /**
     * Parses YAML text.
     *
     * @param origin where the text came from (for messages)
     * @param yaml   YAML text
     * @param env    the environment
     * @return the configuration
     */
    public static Config fromYaml(String origin, String yaml, Map<String, String> env) {
        Config fileOnly;
        try {
            fileOnly = Config.builder()
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .disableParserServices()
                    .addParser(YamlConfigParser.create())
                    .sources(ConfigSources.create(yaml, YAML))
                    .build();
            // force parsing now so syntax errors surface here, with their origin
            fileOnly.traverse().count();
        } catch (RuntimeException e) {
            throw new ConfigException(origin + ": not valid YAML (" + firstLine(e) + ")", e);
        }
        Set<String> sections = fileOnly.asNodeList().orElse(java.util.List.of()).stream()
                .map(Config::name).collect(java.util.stream.Collectors.toSet());
        sections.addAll(GatewayConfig.SECTIONS);
        Map<String, String> overrides = overrides(env, sections);
        try {
            return Config.builder()
                    .disableEnvironmentVariablesSource()
                    .disableSystemPropertiesSource()
                    .disableParserServices()
                    .addParser(YamlConfigParser.create())
                    .sources(ConfigSources.create(overrides),
                             ConfigSources.create(yaml, YAML))
                    .build();
        } catch (RuntimeException e) {
            throw new ConfigException(origin + ": cannot be loaded (" + firstLine(e) + ")", e);
        }
    }

    /**
     * Maps {@code PORTCULLIS_*} environment variables to configuration keys.
     *
     * @param env      environment
     * @param sections top-level sections overrides may address
     * @return key to value
     */
    static Map<String, String> overrides(Map<String, String> env, Set<String> sections) {
        Map<String, String> result = new TreeMap<>();
        env.forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX) || name.length() == ENV_PREFIX.length()) {
                return;
            }
            String key = name.substring(ENV_PREFIX.length())
                    .toLowerCase(Locale.ROOT)
                    .replace("__", "\u0000")
                    .replace('_', '.')
                    .replace('\u0000', '-');
            int dot = key.indexOf('.');
            String section = dot < 0 ? key : key.substring(0, dot);
            if (sections.contains(section)) {
                result.put(key, value);
            }
        });
        return result;
    }

    private static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = String.valueOf(t.getMessage());
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
