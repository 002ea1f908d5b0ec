package dev.reliablekafka.internal.actuate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import dev.reliablekafka.ReliableHeaders;
import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.KafkaTestClient;

/**
 * A web application with the actuator, the reliablekafka endpoint exposed, and one RETRY_TOPIC listener that is
 * not started, so that only the code under test reads its group's retry and dead-letter topics; and an HTTP client
 * for it.
 */
final class EndpointApp implements AutoCloseable {

	final KafkaTestClient kafka;

	final String source;

	final String group;

	final ConfigurableApplicationContext app;

	private final RestClient http;

	EndpointApp(KafkaTestClient kafka, String... properties) {
		this.kafka = kafka;
		this.source = kafka.createTopic(KafkaTestClient.unique("orders"), 1);
		this.group = KafkaTestClient.unique("order-service");
		List<String> all = new ArrayList<>(List.of("spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
				"spring.main.banner-mode=off", "server.port=0", "reliable.kafka.topics.partitions=1",
				"spring.application.name=" + KafkaTestClient.unique("app"),
				"management.endpoints.web.exposure.include=health,reliablekafka", "test.topic=" + this.source,
				"test.group=" + this.group));
		all.addAll(List.of(properties));
		this.app = new SpringApplicationBuilder(WebApp.class).web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run();
		String port = this.app.getEnvironment().getProperty("local.server.port");
		this.http = RestClient.create("http://localhost:" + port);
	}

	void deadLetter(String messageId) {
		this.kafka.send("dlq." + this.group, 0, utf8("D"), utf8("{\"id\":\"D\"}"), ReliableHeaders.MESSAGE_ID,
				messageId, ReliableHeaders.EXCEPTION_CLASS, "java.lang.IllegalStateException",
				ReliableHeaders.ORIGINAL_TOPIC, this.source);
	}

	Response get(String path) {
		return this.http.get().uri(path).exchange((request, response) -> new Response(response.getStatusCode().value(),
				new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)));
	}

	Response post(String path, String json) {
		return this.http.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(json)
			.exchange((request, response) -> new Response(response.getStatusCode().value(),
					new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)));
	}

	long retryTopicEnd() {
		return this.kafka.endOffset(new TopicPartition("retry." + this.group, 0));
	}

	long redriveCommitted() {
		return this.kafka.committed(this.group + ".redrive", new TopicPartition("dlq." + this.group, 0));
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		this.app.close();
	}

	/**
	 * An HTTP response.
	 *
	 * @param status the status code
	 * @param body the body as text
	 */
	record Response(int status, String body) {

		@SuppressWarnings("unchecked")
		Map<String, Object> json() {
			return JsonMapper.builder().build().readValue(this.body, Map.class);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WebApp {

		@ReliableListener(id = "orders", topics = "${test.topic}", groupId = "${test.group}",
				mode = ReliableMode.RETRY_TOPIC, autoStartup = "false")
		void onOrder(ConsumerRecord<byte[], byte[]> record) {
			throw new IllegalStateException("never started");
		}

	}

}
