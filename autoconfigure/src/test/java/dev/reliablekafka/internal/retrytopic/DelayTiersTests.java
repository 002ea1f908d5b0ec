package dev.reliablekafka.internal.retrytopic;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler's subscription matches every delay tier of its namespace, whatever the level, and nothing else:
 * not the parking topic, not the tiers of another namespace.
 */
class DelayTiersTests {

	@Test
	void patternMatchesEveryTierOfTheNamespaceOnly() {
		DelayTiers tiers = DelayTiers.of("<namespace>.delay.<level>", "order.app");
		Pattern pattern = tiers.pattern();

		assertThat(pattern.matcher("order.app.delay.200ms").matches()).isTrue();
		assertThat(pattern.matcher("order.app.delay.10s").matches()).isTrue();
		assertThat(pattern.matcher("order.app.delay.1m").matches()).isTrue();
		assertThat(pattern.matcher("order.app.delay.2h").matches()).isTrue();
		assertThat(tiers.parkingTopic()).isEqualTo("order.app.delay.parked");
		assertThat(pattern.matcher(tiers.parkingTopic()).matches()).isFalse();
		assertThat(pattern.matcher("orderXapp.delay.10s").matches()).isFalse();
		assertThat(pattern.matcher("order.app-2.delay.10s").matches()).isFalse();
		assertThat(pattern.matcher("retry.order.app.delay.10s").matches()).isFalse();
	}

	@Test
	void noTiersWithoutTheNamespaceTheTemplateNeeds() {
		assertThat(DelayTiers.of("<namespace>.delay.<level>", null)).isNull();
		assertThat(DelayTiers.of("delay.<level>", null).pattern().matcher("delay.5s").matches()).isTrue();
	}

}
