package dev.reliablekafka.internal.declaration;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.kafka.annotation.KafkaListener;

import dev.reliablekafka.annotation.ReliableListener;

/**
 * A composed {@link ReliableListener} that reaches a {@link KafkaListener} attribute the reliable annotation does
 * not expose: what an application could write to slip a container post-processor in.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ReliableListener(id = "", topics = {})
@interface PostProcessedReliableListener {

	@AliasFor(annotation = ReliableListener.class, attribute = "id")
	String id();

	@AliasFor(annotation = ReliableListener.class, attribute = "topics")
	String[] topics();

	@AliasFor(annotation = ReliableListener.class, attribute = "groupId")
	String groupId();

	@AliasFor(annotation = KafkaListener.class, attribute = "containerPostProcessor")
	String containerPostProcessor();

}
