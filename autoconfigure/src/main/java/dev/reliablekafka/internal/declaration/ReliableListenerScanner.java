package dev.reliablekafka.internal.declaration;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.Assert;

import dev.reliablekafka.ReliableKafkaConfigurationException;
import dev.reliablekafka.annotation.ReliableListener;

/**
 * Collects a {@link ListenerDeclaration} for every {@link ReliableListener @ReliableListener} method of the
 * application's beans. Registering the listener containers is left to Spring Kafka, which sees the
 * {@code @KafkaListener} meta-annotation; this scanner only records what each listener asks for so that its
 * policy can be resolved.
 */
public class ReliableListenerScanner implements BeanPostProcessor, BeanFactoryAware {

	private final List<ListenerDeclaration> declarations = Collections.synchronizedList(new ArrayList<>());

	private @Nullable ListenerDeclarationReader reader;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		Assert.isInstanceOf(ConfigurableListableBeanFactory.class, beanFactory);
		this.reader = new ListenerDeclarationReader((ConfigurableListableBeanFactory) beanFactory);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> type = AopUtils.getTargetClass(bean);
		if (!AnnotationUtils.isCandidateClass(type, ReliableListener.class)) {
			return bean;
		}
		Map<Method, ReliableListener> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<ReliableListener>) method -> AnnotatedElementUtils
					.findMergedAnnotation(method, ReliableListener.class));
		methods.forEach((method, annotation) -> add(reader().read(annotation, method)));
		return bean;
	}

	private void add(ListenerDeclaration declaration) {
		synchronized (this.declarations) {
			for (ListenerDeclaration existing : this.declarations) {
				if (existing.id().equals(declaration.id())) {
					throw new ReliableKafkaConfigurationException(declaration.id(), declaration.attribute("id"),
							"is also used on " + existing.method(), "Give each reliable listener its own id.");
				}
			}
			this.declarations.add(declaration);
		}
	}

	private ListenerDeclarationReader reader() {
		Assert.state(this.reader != null, "BeanFactory not set");
		return this.reader;
	}

	/**
	 * Return the declarations found so far; complete once all singletons are instantiated.
	 * @return the declarations, in discovery order
	 */
	public List<ListenerDeclaration> getDeclarations() {
		synchronized (this.declarations) {
			return List.copyOf(this.declarations);
		}
	}

}
