package org.corpusqa.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.corpusqa.qa.Document;

/**
 * Contract-like Russian documents of mixed lengths, the same for the same count and seed: half short
 * enough for one window (notices, amendments), a third of a few windows, a sixth of tens of windows,
 * as in a procurement archive where most documents are short and most tokens sit in long contracts.
 */
public final class SyntheticCorpus {
  private static final String[] SENTENCES = {
    "Поставщик обязуется поставить товар в срок, установленный настоящим контрактом.",
    "Заказчик обязуется принять и оплатить товар в порядке и в сроки, предусмотренные контрактом.",
    "Размер обеспечения исполнения контракта составляет пять процентов от начальной (максимальной) цены контракта.",
    "Обеспечение гарантийных обязательств предоставляется в виде независимой гарантии или внесением денежных средств.",
    "Цена контракта является твердой и определяется на весь срок исполнения контракта.",
    "Срок действия независимой гарантии должен превышать срок исполнения обязательств не менее чем на один месяц.",
    "Стороны освобождаются от ответственности за неисполнение обязательств вследствие непреодолимой силы.",
    "Приемка товара осуществляется в течение десяти рабочих дней с даты его поставки.",
  };

  private SyntheticCorpus() {}

  public static List<Document> generate(int documents, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Document> docs = new ArrayList<>(documents);
    for (int i = 0; i < documents; i++) {
      int chars =
          switch (i % 6) {
            case 0, 2, 4 -> 200 + random.nextInt(1000); // one window
            case 1, 3 -> 2_000 + random.nextInt(6_000); // a few windows
            default -> 15_000 + random.nextInt(30_000); // tens of windows
          };
      docs.add(new Document("synthetic-" + i, text(chars, random)));
    }
    return docs;
  }

  /** One short document, for streams of many documents (the heap measurement). */
  public static Document shortDocument(int index, SplittableRandom random) {
    return new Document("short-" + index, text(300 + random.nextInt(600), random));
  }

  private static String text(int chars, SplittableRandom random) {
    StringBuilder sb = new StringBuilder(chars + 200);
    int clause = 1;
    while (sb.length() < chars) {
      sb.append(clause++).append(". ").append(SENTENCES[random.nextInt(SENTENCES.length)]).append(' ');
      if (random.nextInt(5) == 0) {
        sb.append("\n\n");
      }
    }
    return sb.toString();
  }
}
