package dev.reliablekafka.internal.policy;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import dev.reliablekafka.annotation.ReliableListener;
import dev.reliablekafka.annotation.ReliableMode;
import dev.reliablekafka.test.OfflineContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record in a group's retry topic was parked by one listener and must reach that listener's method only. A
 * BLOCKING listener alone in its group reads the group's retry topic (it may hold records parked while it was
 * RETRY_TOPIC); one that shares its group with other reliable listeners leaves it to them.
 */
class GroupRetryTopicTests {

	private final ApplicationContextRunner runner = OfflineContextRunner.create()
		.withPropertyValues("spring.application.name=shop");

	@Test
	void onlyAListenerAloneInItsGroupReadsTheGroupsRetryTopic() {
		this.runner.withUserConfiguration(Listeners.class).run(context -> {
			ListenerPolicies policies = context.getBean(ListenerPolicies.class);
			assertThat(policies.find("alone").groupRetryTopic()).isEqualTo("retry.alone");
			assertThat(policies.find("retrying").groupRetryTopic()).isEqualTo("retry.shared");
			assertThat(policies.find("sharing").groupRetryTopic()).isNull();
			assertThat(policies.find("sharingToo").groupRetryTopic()).isNull();
			assertThat(policies.find("otherSharing").groupRetryTopic()).isNull();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Listeners {

		@ReliableListener(id = "alone", topics = "OrderTopic", groupId = "alone", mode = ReliableMode.BLOCKING)
		void alone(String order) {
		}

		@ReliableListener(id = "retrying", topics = "OrderTopic", groupId = "shared", mode = ReliableMode.RETRY_TOPIC)
		void retrying(String order) {
		}

		@ReliableListener(id = "sharing", topics = "InvoiceTopic", groupId = "shared", mode = ReliableMode.BLOCKING)
		void sharing(String invoice) {
		}

		@ReliableListener(id = "sharingToo", topics = "OrderTopic", groupId = "blocking-only")
		void sharingToo(String order) {
		}

		@ReliableListener(id = "otherSharing", topics = "InvoiceTopic", groupId = "blocking-only")
		void otherSharing(String invoice) {
		}

	}

}
