package dev.reliablekafka.faults.app;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The application the fault tests crash: a Spring Boot application with the starter and one
 * {@code @ReliableListener}, configured entirely by its arguments ({@code --faults.*}, {@code --reliable.kafka.*},
 * {@code --spring.kafka.*}).
 */
@SpringBootApplication
public class FaultApp {

	/** What the driver waits for in the application's output before it counts it as running. */
	public static final String READY = "FAULT-APP-READY";

	public static void main(String[] args) {
		new SpringApplicationBuilder(FaultApp.class).web(WebApplicationType.NONE).run(args);
		System.out.println(READY);
	}

}
