package dev.reliablekafka.test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A {@link SimpleMeterRegistry} for a test application, which has no metrics auto-configuration: import it where a
 * test reads the library's meters.
 */
@Configuration(proxyBeanMethods = false)
public class SimpleMeters {

	@Bean
	public SimpleMeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

}
