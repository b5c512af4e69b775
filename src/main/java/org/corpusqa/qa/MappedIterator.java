package org.corpusqa.qa;

import java.util.Iterator;
import java.util.function.Function;

/** An iterator that applies a function to each element of another, lazily: streams stay streams. */
public final class MappedIterator<A, B> implements Iterator<B> {
  private final Iterator<A> source;
  private final Function<A, B> function;

  public MappedIterator(Iterator<A> source, Function<A, B> function) {
    this.source = source;
    this.function = function;
  }

  @Override
  public boolean hasNext() {
    return source.hasNext();
  }

  @Override
  public B next() {
    return function.apply(source.next());
  }
}
