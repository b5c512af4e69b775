#!/usr/bin/env python3
"""Writes contracts.jsonl: the demo corpus of jobs/run-local.sh.

Short Russian procurement-contract excerpts written for this project (not taken from real
contracts): clauses on contract performance security and on warranty security, documents with
neither, one English document, and one long contract of many sections that spans more than twenty
model windows. Regenerate with: python3 jobs/sample/make_sample.py > jobs/sample/contracts.jsonl

Its labelled form for `evaluate --format contracts` (the gold answer of a clause is its first
sentence; the English contract's clauses count, since the questions ask for the clause whatever
its language) is made from this file by:
  python3 tools/generate-contracts.py --sample --format contracts --out jobs/sample/contracts-labelled.json
"""
import json

PERFORMANCE = (
    "Обеспечение исполнения контракта устанавливается в размере {pct} процентов от начальной "
    "(максимальной) цены контракта и составляет {sum} рублей. Исполнение контракта может "
    "обеспечиваться предоставлением независимой гарантии или внесением денежных средств на "
    "указанный заказчиком счет. Способ обеспечения исполнения контракта определяется участником "
    "закупки самостоятельно."
)
WARRANTY = (
    "Обеспечение гарантийных обязательств предоставляется поставщиком до оформления документа о "
    "приемке товара в размере {pct} процента от цены контракта, что составляет {sum} рублей. "
    "Срок действия независимой гарантии должен превышать срок гарантийных обязательств не менее "
    "чем на один месяц."
)
SUBJECT = (
    "{n}. Предмет контракта. Поставщик обязуется поставить {item}, а заказчик обязуется принять "
    "и оплатить товар в порядке и в сроки, предусмотренные настоящим контрактом."
)
PRICE = (
    "Цена контракта составляет {sum} рублей, в том числе НДС. Цена контракта является твердой и "
    "определяется на весь срок исполнения контракта. Оплата производится в течение семи рабочих "
    "дней с даты подписания заказчиком документа о приемке."
)
DELIVERY = (
    "Поставка товара осуществляется по адресу: {city}, ул. {street}, д. {house}. Срок поставки: "
    "не позднее {days} календарных дней с даты заключения контракта. Приемка товара "
    "осуществляется с использованием единой информационной системы."
)
LIABILITY = (
    "В случае просрочки исполнения поставщиком обязательств, предусмотренных контрактом, "
    "заказчик направляет поставщику требование об уплате неустоек (штрафов, пеней). Пеня "
    "начисляется за каждый день просрочки исполнения обязательства в размере одной трехсотой "
    "действующей на дату уплаты пени ключевой ставки Центрального банка Российской Федерации."
)
DISPUTES = (
    "Все споры и разногласия, возникающие между сторонами, разрешаются путем переговоров. При "
    "недостижении согласия спор передается на рассмотрение в арбитражный суд по месту нахождения "
    "заказчика. Претензионный порядок досудебного урегулирования спора является обязательным, "
    "срок ответа на претензию составляет десять рабочих дней."
)
TERMINATION = (
    "Расторжение контракта допускается по соглашению сторон, по решению суда или в связи с "
    "односторонним отказом стороны контракта от исполнения контракта в соответствии с "
    "гражданским законодательством."
)

ITEMS = [
    "медицинские изделия (шприцы инъекционные однократного применения)",
    "офисную бумагу формата А4 в количестве 500 пачек",
    "компьютерное оборудование согласно спецификации",
    "продукты питания для нужд школьной столовой",
    "дорожно-строительные материалы (щебень фракции 20-40 мм)",
    "лекарственные препараты для медицинского применения",
    "мебель для учебных классов",
    "горюче-смазочные материалы",
]
CITIES = [("г. Казань", "Баумана", 12), ("г. Пермь", "Ленина", 5), ("г. Томск", "Советская", 44),
          ("г. Самара", "Молодогвардейская", 101), ("г. Омск", "Маршала Жукова", 7)]


def doc(*parts):
    return "\n\n".join(parts)


def main():
    docs = []
    docs.append(("contract-0001", doc(
        SUBJECT.format(n=1, item=ITEMS[0]),
        "2. " + PRICE.format(sum="1 250 000,00"),
        "3. " + PERFORMANCE.format(pct=5, sum="62 500,00"),
        "4. " + WARRANTY.format(pct=1, sum="12 500,00"),
        "5. " + DISPUTES)))
    docs.append(("contract-0002", doc(
        SUBJECT.format(n=1, item=ITEMS[1]),
        "2. " + PRICE.format(sum="187 400,00"),
        "3. " + DELIVERY.format(city=CITIES[1][0], street=CITIES[1][1], house=CITIES[1][2], days=10),
        "4. Обеспечение исполнения контракта не требуется, поскольку контракт заключается "
        "с единственным поставщиком.",
        "5. " + TERMINATION)))
    docs.append(("contract-0003", doc(
        SUBJECT.format(n=1, item=ITEMS[2]),
        "2. " + WARRANTY.format(pct=2, sum="36 800,00"),
        "3. " + LIABILITY)))
    # No security clause of either kind: a correct model should answer "no answer" here.
    docs.append(("contract-0004", doc(
        SUBJECT.format(n=1, item=ITEMS[3]),
        "2. " + PRICE.format(sum="94 000,00"),
        "3. " + DELIVERY.format(city=CITIES[0][0], street=CITIES[0][1], house=CITIES[0][2], days=3),
        "4. " + DISPUTES)))
    docs.append(("contract-0005", doc(
        "Раздел 7. Обеспечение исполнения контракта.\r\n7.1. Размер обеспечения исполнения "
        "контракта\u00a0— 10\u00a0% начальной (максимальной) цены контракта, т.е. 2\u00a0400\u00a0000 "
        "рублей.\r\n7.2. В случае если участником закупки, с которым заключается контракт, "
        "предложена цена, которая на двадцать пять и более процентов ниже начальной цены, "
        "обеспечение предоставляется в размере, превышающем в полтора раза указанный размер.",
        "Раздел 8. " + LIABILITY)))
    docs.append(("contract-0006", doc(
        SUBJECT.format(n=1, item=ITEMS[5]),
        "2. " + TERMINATION,
        "3. " + LIABILITY)))
    docs.append(("contract-0007-en", doc(
        "1. Subject. The Supplier shall deliver office furniture and the Customer shall accept "
        "and pay for it.",
        "2. Performance security. The contract performance security is set at 5 percent of the "
        "initial contract price, that is 31,250.00 roubles, provided as an independent guarantee "
        "or as a cash deposit.",
        "3. Warranty security. Security for warranty obligations of 1 percent of the contract "
        "price is provided before the acceptance document is signed.")))

    # The long contract: many sections, the security clauses deep inside, far more than twenty
    # windows of 384 tokens.
    sections = []
    n = 1
    for round_ in range(24):
        item = ITEMS[round_ % len(ITEMS)]
        city = CITIES[round_ % len(CITIES)]
        sections.append(SUBJECT.format(n=n, item=item)); n += 1
        sections.append(f"{n}. " + PRICE.format(sum=f"{(round_ + 3) * 117_350:,}".replace(",", " ") + ",00")); n += 1
        sections.append(f"{n}. " + DELIVERY.format(city=city[0], street=city[1], house=city[2] + round_, days=5 + round_)); n += 1
        sections.append(f"{n}. " + LIABILITY); n += 1
        if round_ == 9:
            sections.append(f"{n}. " + PERFORMANCE.format(pct=7, sum="811 420,00")); n += 1
        if round_ == 12:
            sections.append(f"{n}. " + WARRANTY.format(pct=3, sum="97 310,00")); n += 1
        sections.append(f"{n}. " + DISPUTES); n += 1
        sections.append(f"{n}. " + TERMINATION); n += 1
    docs.append(("contract-0008-long", doc(*sections)))

    for doc_id, text in docs:
        print(json.dumps({"doc_id": doc_id, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
