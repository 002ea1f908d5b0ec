package dev.reliablekafka.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalGenericConverter;

/**
 * Binds a list of durations written on one line with spaces, commas or both ({@code 1s 5s 10s}, as the README
 * shows delay levels, or {@code 1s,5s,10s}); Boot on its own splits at commas only.
 */
final class DurationListConverter implements ConditionalGenericConverter {

	@Override
	public Set<ConvertiblePair> getConvertibleTypes() {
		return Set.of(new ConvertiblePair(String.class, Collection.class));
	}

	@Override
	public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
		TypeDescriptor element = targetType.getElementTypeDescriptor();
		return element != null && element.getType() == Duration.class && targetType.getType().isAssignableFrom(List.class);
	}

	@Override
	public @Nullable Object convert(@Nullable Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
		if (source == null) {
			return null;
		}
		List<Duration> durations = new ArrayList<>();
		for (String part : source.toString().trim().split("[\\s,]+")) {
			if (!part.isEmpty()) {
				durations.add(DurationStyle.detectAndParse(part));
			}
		}
		return durations;
	}

}
