/**
 * Passwords people choose most often (from the published lists of leaked passwords, with the Azerbaijani and
 * Russian favourites added), lower-cased. A password equal to one of them, whatever its case, is refused.
 * Those shorter than the minimum length are refused anyway; they stay here so that the list is the whole rule.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  `
123456 123456789 12345678 12345 1234567 1234567890 1234 qwerty password 111111 123123 000000 abc123 password1
1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y qwerty123 qwertyuiop qwerty1234 qwertyuiop123 asdfghjkl asdfghjkl1 zxcvbnm
zxcvbnm123 iloveyou iloveyou1 iloveyou12 admin admin123 admin1234 administrator welcome welcome1 welcome123
letmein letmein123 monkey dragon dragon123 football football1 baseball master master123 sunshine princess
shadow superman batman trustno1 passw0rd p@ssw0rd p@ssword password12 password123 password1234 password!
password1! password2020 password2021 password2022 password2023 password2024 password2025 password2026
1111111111 0000000000 2222222222 5555555555 7777777777 8888888888 9999999999 1234512345 1231231231 1212121212
0987654321 9876543210 0123456789 12345678910 123456789a a123456789 123456789q q123456789 qwe123qwe123
1qaz2wsx 1qaz2wsx3edc 1qazxsw2 zaq12wsx zaq1zaq1 zaq1xsw2cde3 qazwsxedc qazwsxedcrfv qweasdzxc qweasdzxc123
abcdefghij abcdefgh abcd1234 abcd123456 abc1234567 aaaaaaaaaa aaaaaa1111 qqqqqqqqqq 1qaz!qaz 123qweasd
123qweasdzxc qwe123456 qwerty12345 qwerty123456 asdf1234 asdfasdfasdf asd123456 zxc123456 changeme
changeme123 secret secret123 default default123 guest guest12345 test test1234 test123456 testtest
temp1234 temppassword temporary login login123 user user12345 root root123456 pass pass1234 pass12345
passpass passwordpassword mypassword mypassword1 newpassword newpassword1 yourpassword nopassword
computer internet samsung samsung123 google google123 facebook whatever starwars pokemon michael
jennifer jordan23 hello123 hellohello helloworld hello12345 lovely loveyou loveme lovelove 666666 888888
987654321 654321 7777777 123321 112233 11223344 1122334455 121212 159753 159357 147258369 147852369
741852963 963852741 789456123 123654789 qwertyu azerty azerty123 solo matrix killer freedom hunter
ranger buster soccer hockey maggie ginger charlie andrew daniel thomas robert jessica ashley michelle
superman1 batman123 spiderman naruto minecraft fortnite roblox123 whatsapp instagram telegram
azerbaijan azerbaycan azərbaycan azerbaijan1 azerbaycan1 azerbaycan123 baku123456 baki123456 baku2024
bakucity qarabag qarabag2020 qarabagazerbaycan karabakh neftchi neftci1937 maktab123 mekteb123 mekteb2024
shkola123 parol parol123 parol12345 parolparol sifre sifre123 sifre12345 şifrə şifrə123 salam salam123
salam12345 salamsalam sevgi sevgilim gunes aysel leyla elvin 1234qwer qwer1234 qwerasdf
parol1234567 пароль пароль123 пароль1234 йцукен йцукен123 йцукенгшщз qwertyйцукен любовь привет
привет123 солнышко наташа максим андрей марина 1q2w3e 1q2w3e4r5t6y7u 1q2w3e4r5t6y7u8i
qwerty7 qwerty1 qwerty12 q1w2e3r4 q1w2e3r4t5 q1w2e3r4t5y6 a1b2c3d4 a1b2c3d4e5 aa123456 abc12345
iloveyou123 ilovegod jesus123 blessed princess1 sunshine1 football123 baseball1 monkey123 shadow123
michael1 charlie1 superman123 dragon1 master1 killer123 freedom1 letmein1 trustno1! access access123
1password 1qazxsw23edc 12qwaszx 12qw23we 123abc 123456abc 123456qwe 123456789abc 0000 1111 11111111
22222222 66666666 88888888 99999999 12341234 123412341234 43214321 87654321 98765432 13579 135790
1357924680 2468013579 24682468 qwertz qwertz123 ytrewq ytrewq321 asdfgh asdfgh123 zxcvbn zxcvbn123
`
    .split(/\s+/)
    .filter(Boolean),
);
