package dev.reliablekafka.sample;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Publishes an order with a chosen failure behaviour, to try the failure paths by hand:
 * {@code POST /orders/{id}?fail=2} fails twice, {@code ?fail=always} always fails (it ends in the dead-letter
 * topics), {@code ?poison=true} sends a payload that is not an order (dead-lettered at once);
 * {@code POST /orders/{id}/fix} fixes the cause of an order's failures, so that a redrive of it succeeds.
 */
@RestController
class OrderController {

	private final KafkaTemplate<String, String> template;

	private final OrderDatabase database;

	OrderController(KafkaTemplate<String, String> template, OrderDatabase database) {
		this.template = template;
		this.database = database;
	}

	@PostMapping("/orders/{id}")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Map<String, Object> publish(@PathVariable String id, @RequestParam(defaultValue = "0") String fail,
			@RequestParam(defaultValue = "false") boolean poison)
			throws InterruptedException, ExecutionException, TimeoutException {
		int failures = "always".equals(fail) ? Order.ALWAYS : Integer.parseInt(fail);
		String payload = poison ? "this is not an order" : "{\"id\":\"" + id + "\",\"failures\":" + failures + "}";
		SendResult<String, String> sent = this.template.send(ScenarioPublisher.TOPIC, id, payload)
			.get(10, TimeUnit.SECONDS);
		return Map.of("topic", ScenarioPublisher.TOPIC, "partition", sent.getRecordMetadata().partition(), "offset",
				sent.getRecordMetadata().offset(), "payload", payload);
	}

	@PostMapping("/orders/{id}/fix")
	Map<String, Object> fix(@PathVariable String id) {
		this.database.fix(id);
		return Map.of("order", id, "fixed", true);
	}

}
