package dev.frugal.cache;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Tag("unit")
class GuardsTest {
    @ParameterizedTest(name = "{0} | {1} -> {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            Is 7 prime?                                   | Is 9 prime?                                    | NUMBER
            What is 3/4 divided by 2/3?                   | What is 2/3 divided by 3/4?                    | NUMBER
            What is 7 times 8?                            | What is 8 times 7?                             | NUMBER
            How do I split a bill of 90 between 3 people? | How can I split a bill of 90 between 3 people? | -
            Is it bad to idle my car for 10 minutes?      | Is it bad to idle my car for ten minutes?      | -
            Do credits transfer to a four-year college?   | Do credits transfer to a 4-year college?       | -
            How do I split a bill between two people?     | How do I split a bill between three people?    | NUMBER
            Do credits transfer to a four-year college?   | Do credits transfer to a 2-year college?       | NUMBER
            Is a cup of flour 120 grams?                  | Is one cup of flour 120 grams?                 | ADDED
            What is a 15% tip on $80?                     | What is a 15% tip on $80.00?                   | -
            How much is 1,000 USD in euros?               | How much is 1000 USD in euros?                 | -
            Does the Pro plan include SSO?                | Does the Pro plan not include SSO?             | NEGATION
            Can I cancel online?                          | Can't I cancel online?                         | NEGATION
            Can I cancel online?                          | Can I never cancel online?                     | NEGATION
            Is it safe to eat raw dough?                  | Is it unsafe to eat raw dough?                 | NEGATION
            How do I enable 2FA?                          | How do I disable 2FA?                          | NEGATION
            Why is the firewall allowing traffic?         | Why is the firewall denying traffic?           | NEGATION
            How do I clean windows without streaks?       | How do I clean windows so they don't streak?   | -
            What is the refund window for EU orders?      | What is the refund window for US orders?       | NAME
            What is the capital of Austria?               | What is the capital of Australia?              | NAME
            How do I reset my password?                   | I forgot my password, how do I reset it?       | -
            How much is 1 GB of storage?                  | How much is 1 TB of storage?                   | UNIT
            Convert 5 miles to km                         | Convert 5 km to miles                          | ORDER
            Set a timer for 10 seconds                    | Set a timer for 10 minutes                     | UNIT
            When is the tax deadline in 2024?             | When is the tax deadline in 2025?              | NUMBER
            Are banks open on Sunday?                     | Are banks open on Saturday?                    | DATE
            What is the forecast for today?               | What is the forecast for tomorrow?             | DATE
            What were revenues in Q1?                     | What were revenues in Q2?                      | DATE
            What does os.path.join do?                    | What does os.path.split do?                    | CODE
            How do I use `Array.map`?                     | How do I use `Array.filter`?                   | CODE
            What does --force do in git push?             | What does --force-with-lease do in git push?   | CODE
            Why does getUserName throw?                   | Why does getUserId throw?                      | CODE
            What does flex-grow do?                       | What does flex-shrink do?                      | CODE
            Is a well-known brand better?                 | Is a brand that is well known better?          | -
            Is a well-known brand better?                 | Is a famous brand better?                      | WORD
            Are there flights from Boston to Chicago?     | Are there flights from Chicago to Boston?      | ORDER
            Did Germany beat Brazil?                      | Did Brazil beat Germany?                       | ORDER
            Should I pay off debt before investing?       | Should I invest before paying off debt?        | ORDER
            Should I stretch after running?               | Should I run after stretching?                 | ORDER
            What is the healthiest cooking oil?           | Which cooking oil is the healthiest?           | -
            What is the capital of France?                | Tell me the capital of France.                 | -
            Why is the sky blue?                          | What makes the sky look blue?                  | -
            Does the lease allow subletting?              | Does the lease forbid subletting?              | WORD
            How many legs does a spider have?             | How many legs does an insect have?             | WORD
            What is inflation?                            | What is deflation?                             | WORD
            Should I tip the movers in cash?              | Should I pay the movers in cash?               | WORD
            How do I scale the service up?                | How do I scale the service down?               | WORD
            What does chmod 755 do?                       | What does chown 755 do?                        | WORD
            How do I fix a leaky faucet?                  | How do I repair a leaky faucet?                | WORD
            How do I reset my password?                   | How can I reset my password?                   | -
            How do I learn typing?                        | How can I learn to type?                       | -
            How do I train my puppies to sit?             | How should I train my puppy to sit?            | -
            Why does my screen dim?                       | Why is my screen dimming?                      | -
            How do I change my profile picture?           | How can I update my profile photo?             | -
            How do I add a printer?                       | How can I connect a new printer?               | -
            How do I reset my router?                     | How do I reset my router password?            | ADDED
            Does the warranty cover water damage?         | Does the warranty cover flood water damage?    | ADDED
            How do I ripen a mango?                       | How do I ripen a mango quickly?                | ADDED
            What is compound interest?                    | Can you explain compound interest?             | -
            How do I unclog a drain?                      | What is the best way to unclog a drain?        | -
            What is a hedge fund?                         | What exactly is a hedge fund?                  | -
            How do I stop snoring?                        | How do I actually stop snoring, please?        | -
            How do I paint a fence?                       | How do I paint a wooden garden fence?          | -
            What are the symptoms of type 2 diabetes?     | What are the early symptoms of type 2 diabetes? | ADDED
            How do I delete my user profile?              | How do I temporarily delete my user profile?   | ADDED
            How do I reset my iPhone?                     | How do I factory reset my iPhone?              | ADDED
            How do I clean hardwood floors?               | How do I deep clean hardwood floors?           | ADDED
            What is the capital of France?                | Which city is the capital of France?           | ADDED
            How do I reset my router?                     | What are the steps to reset my router?         | -
            How do I apply for a passport?                | What is the process to apply for a passport?   | -
            What is machine learning?                     | Can you tell me what machine learning is?      | -
            Why do cats purr?                             | What makes cats purr?                          | -
            What does an API do?                          | What is the purpose of an API?                 | -
            Can I freeze bread?                           | Is it possible to freeze bread?                | -
            What is the water cycle?                      | Describe the water cycle.                      | -
            How do I renew a passport?                    | I need to renew a passport.                    | -
            What are the side effects of the vaccine?     | What are the long-term side effects of the vaccine? | ADDED
            How do I set up multi-factor authentication?  | How do I set up authentication?                | ADDED
            How do I set up two-factor authentication?    | How do I set up authentication?                | NUMBER
            Should I plant tulip bulbs 6 inches deep?     | Should I plant tulip bulbs 6 inches deep in pots? | ADDED
            What is a good credit score?                  | What is a good credit score to buy a house?    | ADDED
            How do I remove duplicates from a list?       | How do I remove duplicates from a list while keeping the order? | ADDED
            What is a good credit score?                  | What is a good credit score for me?            | -
            Why did the Holy Roman Empire fall?           | When did the Holy Roman Empire fall?           | QUESTION
            How do leaves change colour?                  | Why do leaves change colour?                   | QUESTION
            Where was Mozart born?                        | When was Mozart born?                          | QUESTION
            Who founded Microsoft?                        | When was Microsoft founded?                    | QUESTION
            Whose phone is ringing?                       | Why is the phone ringing?                      | QUESTION
            How do I report a bug?                        | Where can I report a bug?                      | -
            What time is it in New York when it's 9 am in Paris? | If it's 9 am in Paris, what time is it in New York? | -
            Do I have to pay tax on money my parents gave me? | Do I have to pay tax on money I gave my parents? | ROLE
            Should I call you?                            | Should you call me?                            | ROLE
            Does he owe them money?                       | Do they owe him money?                         | ROLE
            What should I do if someone hits me?          | What should I do if I hit someone?             | ROLE
            Do I have to pay tax on money my parents gave me? | My parents gave me some money, do I have to pay tax on it? | -
            How do you boil an egg?                       | How do I boil an egg?                          | -
            How do I make a resume stand out?             | How can I make my resume stand out?            | -
            Can I freeze bread?                           | Is it possible for me to freeze bread?         | -
            """)
    void blocksTheNearMissesOfEachKindAndLetsParaphrasesThrough(String a, String b, Guards.Kind expected) {
        assertEquals(expected, Guards.check(a, b));
        assertEquals(expected, Guards.check(b, a), "symmetric");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            for ten minutes                | for 10 minutes
            Ten or Twenty?                 | 10 or 20?
            a four-year degree             | a 4-year degree
            a three-year-old               | a 3-year-old
            the tenant, often, at one time | the tenant, often, at one time
            """)
    void numberWordsAreReadAsDigitsWholeWordsOnly(String text, String read) {
        assertEquals(read, GuardedPrompt.numberWordsAsDigits(text));
    }

    @ParameterizedTest(name = "{0} ~ {1}")
    @CsvSource(delimiter = '|', textBlock = """
            learn    | learning
            type     | typing
            puppy    | puppies
            dim      | dimming
            stop     | stopped
            apply    | applied
            file     | files
            box      | boxes
            """)
    void theFormsOfOneWordHaveOneStem(String a, String b) {
        assertEquals(GuardedPrompt.stem(a), GuardedPrompt.stem(b));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource(delimiter = '|', textBlock = """
            spider   | insect
            allow    | forbid
            slice    | splice
            speed    | spend
            """)
    void differentWordsKeepDifferentStems(String a, String b) {
        org.junit.jupiter.api.Assertions.assertNotEquals(GuardedPrompt.stem(a), GuardedPrompt.stem(b));
    }
}
